import { expect } from 'chai';
import { signBody } from '../../src/adapters/http/hmac-signature.guard.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

const TOKEN = 'tok-3f9a+/=_x';

describe('hardening: who may call', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  describe('AUTH_TOKEN', () => {
    beforeEach(async () => {
      service = await startTestService({ AUTH_TOKEN: TOKEN, MOCK_LLM_DELAY_MS: '0', MOCK_LLM_ANSWER: '好' });
    });

    it('when a chat call carries no token, then it is refused with 401 and the protocol JSON error', async () => {
      for (const path of ['/chat', '/chat/sync', '/chat/async', '/playground']) {
        const reply = await sendJson(service!.url, path, { body: A_QUESTION });
        expect(reply.status, path).to.equal(401);
        expect(reply.body.code).to.equal(40100);
        expect(reply.body.err_msg).to.match(/Authorization/);
        expect(reply.body.third_party_trace_id).to.equal(reply.headers.get('x-trace-id'));
      }
    });

    it('when the token is wrong (also of another length), then 401', async () => {
      for (const wrong of ['x', `${TOKEN}x`, TOKEN.slice(0, -1) + 'Z']) {
        const reply = await sendJson(service!.url, '/chat/sync', {
          body: A_QUESTION,
          headers: { authorization: `Bearer ${encodeURIComponent(wrong)}` },
        });
        expect(reply.status, wrong).to.equal(401);
        expect(reply.body.err_msg).to.equal('Authorization: wrong token');
      }
    });

    it('when the token comes as a bearer header, then the call is served', async () => {
      const reply = await sendJson(service!.url, '/chat/sync', {
        body: A_QUESTION,
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(reply.status).to.equal(200);
      expect(reply.body).to.include({ code: 0, msg_content: '好' });
    });

    it('when the token comes in the URL, then the stream is served and no log line carries it', async () => {
      const reply = await postSse(service!.url, A_QUESTION, { path: `/chat?token=${encodeURIComponent(TOKEN)}` });
      expect(reply.status).to.equal(200);
      expect(reply.frames.at(-1)?.data.finished).to.equal(true);
      await new Promise((r) => setTimeout(r, 50));
      const logs = JSON.stringify(service!.logLines());
      expect(logs).to.include('"route":"/chat"');
      expect(logs).to.not.include(encodeURIComponent(TOKEN));
      expect(logs).to.not.include(TOKEN);
    });

    it('when /health is asked without a token, then it answers', async () => {
      const res = await fetch(`${service!.url}/health`);
      expect(res.status).to.equal(200);
    });
  });

  describe('AUTH_HMAC_SECRET', () => {
    const SECRET = 'hmac-secret';
    const body = JSON.stringify({ ...A_QUESTION, content: '签名的问题 😀' });
    const now = () => Math.floor(Date.now() / 1000);
    const signed = (timestamp: number, signature = signBody(SECRET, timestamp, Buffer.from(body))) => ({
      'x-timestamp': String(timestamp),
      'x-signature': signature,
    });

    beforeEach(async () => {
      service = await startTestService({ AUTH_HMAC_SECRET: SECRET, MOCK_LLM_DELAY_MS: '0', MOCK_LLM_ANSWER: '好' });
    });

    it('when the body is signed over its raw bytes, then the call is served (hex or sha256= form)', async () => {
      const t = now();
      const plain = await sendJson(service!.url, '/chat/sync', { body, headers: signed(t) });
      expect(plain.status).to.equal(200);
      expect(plain.body.code).to.equal(0);
      const prefixed = await sendJson(service!.url, '/chat/sync', {
        body,
        headers: signed(t - 1, `sha256=${signBody(SECRET, t - 1, body)}`),
      });
      expect(prefixed.status).to.equal(200);
    });

    it('when the signature is missing, wrong, or for another body, then 401 naming the header', async () => {
      const t = now();
      const cases: [Record<string, string>, RegExp][] = [
        [{}, /X-Timestamp/],
        [{ 'x-timestamp': String(t) }, /X-Signature: missing/],
        [signed(t, signBody('other-secret', t, body)), /does not match/],
        [signed(t, signBody(SECRET, t, body.replace('签名', '改过'))), /does not match/],
      ];
      for (const [headers, message] of cases) {
        const reply = await sendJson(service!.url, '/chat/sync', { body, headers });
        expect(reply.status).to.equal(401);
        expect(reply.body.code).to.equal(40100);
        expect(reply.body.err_msg).to.match(message);
      }
    });

    it('when the timestamp is older than 5 minutes, then 401', async () => {
      const old = now() - 6 * 60;
      const reply = await sendJson(service!.url, '/chat/sync', { body, headers: signed(old) });
      expect(reply.status).to.equal(401);
      expect(reply.body.err_msg).to.match(/window/);
    });

    it('when a signed request is replayed, then the second one is refused', async () => {
      const headers = signed(now());
      expect((await sendJson(service!.url, '/chat/sync', { body, headers })).status).to.equal(200);
      const replay = await sendJson(service!.url, '/chat/sync', { body, headers });
      expect(replay.status).to.equal(401);
      expect(replay.body.err_msg).to.match(/already used/);
    });
  });
});
