import { request } from 'node:http';
import { expect } from 'chai';
import { signBody } from '../../src/adapters/http/hmac-signature.guard.js';
import { startTestService, type TestService } from '../support/test-service.js';

/** POSTs raw bytes with the given headers and reads the JSON reply. */
function post(base: string, bytes: Buffer, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method: 'POST', path: '/chat/sync', headers: { 'content-length': String(bytes.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(bytes);
  });
}

// "怎么请假" in GBK: the bytes a GBK client would send.
const GBK_QUESTION = Buffer.concat([
  Buffer.from('{"user":"u","msg_type":"text","content":"'),
  Buffer.from([0xd4, 0xf5, 0xc3, 0xb4, 0xc7, 0xeb, 0xbc, 0xd9]),
  Buffer.from('"}'),
]);

describe('security: bodies are UTF-8 JSON, read and signed as the bytes that were sent', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when the Content-Type names another charset, then 415 names it (the question is not turned into U+FFFD)', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0' });
    const reply = await post(service.url, GBK_QUESTION, { 'content-type': 'application/json; charset=gbk' });
    expect(reply.status).to.equal(415);
    expect(reply.body).to.include({ code: 41500 });
    expect(reply.body.err_msg).to.include('gbk');
    const utf8 = await post(service.url, Buffer.from('{"user":"u","msg_type":"text","content":"好"}'), { 'content-type': 'application/json; charset=UTF-8' });
    expect(utf8.status).to.equal(200);
  });

  it('when the bytes are not valid UTF-8, then 400 says so', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0' });
    const reply = await post(service.url, GBK_QUESTION, { 'content-type': 'application/json' });
    expect(reply.status).to.equal(400);
    expect(reply.body.err_msg).to.equal('body: not valid UTF-8');
  });

  it('when a body has a __proto__ key, then it is an ordinary ignored field, not "malformed JSON", and nothing is polluted', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0', MOCK_LLM_ANSWER: '好' });
    const bytes = Buffer.from('{"user":"u","msg_type":"text","content":"你好","__proto__":{"polluted":1}}');
    const reply = await post(service.url, bytes, { 'content-type': 'application/json' });
    expect(reply.status).to.equal(200);
    expect(reply.body).to.include({ code: 0 });
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('when a body is signed, then the signature is checked over the raw bytes: the same text in other bytes (escaped) does not verify', async () => {
    const secret = 'raw-bytes-secret';
    service = await startTestService({ AUTH_HMAC_SECRET: secret, MOCK_LLM_DELAY_MS: '0' });
    const ts = String(Math.floor(Date.now() / 1000));
    const sent = Buffer.from('{"user":"u","msg_type":"text","content":"请假"}');
    const ok = await post(service.url, sent, { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': signBody(secret, ts, sent) });
    expect(ok.status).to.equal(200);
    // A signature over a BOM-prefixed body must not verify the body without it (text decoding drops the BOM).
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"user":"u","msg_type":"text","content":"请假2"}')]);
    const signedWithout = signBody(secret, ts, withBom.subarray(3));
    const refused = await post(service.url, withBom, { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': signedWithout });
    expect(refused.status).to.equal(401);
    const accepted = await post(service.url, withBom, { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': signBody(secret, ts, withBom) });
    expect(accepted.status).to.equal(200);
  });
});
