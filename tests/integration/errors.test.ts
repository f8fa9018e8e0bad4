import { expect } from 'chai';
import { sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

describe('refused requests', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ MAX_CONTENT_CHARS: '50', BODY_LIMIT_BYTES: '2048' });
  });
  after(() => service.close());

  /** Every refusal is the protocol's JSON error: non-zero code, err_msg, trace id = header. */
  function expectProtocolError(reply: Awaited<ReturnType<typeof sendJson>>, status: number, errMsg: RegExp): void {
    expect(reply.status).to.equal(status);
    expect(reply.headers.get('content-type')).to.match(/^application\/json/);
    expect(Object.keys(reply.body).sort()).to.deep.equal(['code', 'err_msg', 'third_party_trace_id']);
    expect(reply.body.code).to.be.a('number').and.not.equal(0);
    expect(reply.body.err_msg).to.match(errMsg);
    expect(reply.body.third_party_trace_id).to.equal(reply.headers.get('x-trace-id'));
    expect(JSON.stringify(reply.body)).to.not.match(/at .*\.ts|node_modules|\/work\//);
  }

  for (const path of ['/chat', '/chat/sync']) {
    describe(path, () => {
      it('when the JSON is malformed, then 400 says so', async () => {
        expectProtocolError(await sendJson(service.url, path, { body: '{"user": "u",' }), 400, /malformed JSON/);
      });
      it('when a required field is missing, then 400 names it', async () => {
        const { content: _c, ...rest } = A_QUESTION;
        expectProtocolError(await sendJson(service.url, path, { body: rest }), 400, /content: is required/);
      });
      it('when a field has the wrong type, then 400 names it', async () => {
        expectProtocolError(await sendJson(service.url, path, { body: { ...A_QUESTION, user: 42 } }), 400, /user: must be string/);
        expectProtocolError(
          await sendJson(service.url, path, { body: { ...A_QUESTION, business_keys: 'it' } }),
          400,
          /business_keys: must be array/,
        );
      });
      it('when content is empty or longer than the limit, then 400 names content', async () => {
        expectProtocolError(await sendJson(service.url, path, { body: { ...A_QUESTION, content: '' } }), 400, /content: must not be empty/);
        expectProtocolError(
          await sendJson(service.url, path, { body: { ...A_QUESTION, content: '长'.repeat(51) } }),
          400,
          /content: must have at most 50 characters/,
        );
      });
      it('when the body is not an object, then 400 says so', async () => {
        expectProtocolError(await sendJson(service.url, path, { body: '[1,2]' }), 400, /body: must be a JSON object/);
      });
      it('when the body is over the limit, then 413', async () => {
        expectProtocolError(
          await sendJson(service.url, path, { body: { ...A_QUESTION, raw_msg: 'x'.repeat(4096) } }),
          413,
          /too large|exceeds/,
        );
      });
      it('when the body is not JSON, then 415 names the content type', async () => {
        expectProtocolError(
          await sendJson(service.url, path, { body: 'user=u', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
          415,
          /application\/json/,
        );
        expectProtocolError(
          await sendJson(service.url, path, { body: JSON.stringify(A_QUESTION), headers: { 'content-type': 'text/plain' } }),
          415,
          /text\/plain/,
        );
      });
      it('when the method is wrong, then 405 with Allow', async () => {
        const reply = await sendJson(service.url, path, { method: 'GET' });
        expectProtocolError(reply, 405, /not allowed/);
        expect(reply.headers.get('allow')).to.include('POST');
      });
    });
  }

  it('when the route is unknown, then 404', async () => {
    expectProtocolError(await sendJson(service.url, '/nope', { method: 'GET' }), 404, /no route/);
    expectProtocolError(await sendJson(service.url, '/chat/nope', { body: A_QUESTION }), 404, /no route/);
  });

  it('when /health is asked, then it answers ok', async () => {
    const res = await fetch(`${service.url}/health`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.include({ status: 'ok' });
  });
});
