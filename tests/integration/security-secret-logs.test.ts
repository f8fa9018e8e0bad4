import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { FakeOpenAiServer } from '../support/fake-openai-server.js';
import { sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

const KEY = 'sk-test-secret-4f1d2e';

describe('security: no log line carries a configured secret', () => {
  let service: TestService | undefined;
  let upstream: FakeOpenAiServer | undefined;
  let retrieval: Server | undefined;
  afterEach(async () => {
    await service?.close();
    await upstream?.close();
    retrieval?.close();
    service = upstream = retrieval = undefined;
  });

  it('when the retrieval API error body echoes the Authorization header, then the logged reason carries it masked', async () => {
    let seen = '';
    retrieval = createServer((req, res) => {
      seen = String(req.headers.authorization);
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`bad request; headers were: authorization=${req.headers.authorization} key=${KEY}`);
    });
    await new Promise<void>((resolve) => retrieval!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(retrieval.address() as AddressInfo).port}`;
    service = await startTestService({ KB_PROVIDER: 'http', KB_URL: url, KB_API_KEY: KEY, MOCK_LLM_DELAY_MS: '0' });
    const reply = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(reply.body.code).to.equal(0);
    expect(seen).to.equal(`Bearer ${KEY}`); // it really was sent, and echoed
    await new Promise((r) => setTimeout(r, 50));
    const failed = service.logLines().find((l) => l.message === 'retrieval failed; answering without documents');
    expect(failed?.error).to.be.a('string').and.include('bad request');
    expect(JSON.stringify(service.logLines())).to.not.include(KEY);
  });

  it('when the model upstream refuses the key, then no log line carries it', async () => {
    upstream = await FakeOpenAiServer.start();
    upstream.reply({ status: 401, headers: { 'content-type': 'application/json' }, body: [JSON.stringify({ error: { message: `bad key; you sent Authorization: Bearer ${KEY}` } })] });
    service = await startTestService({ LLM_PROVIDER: 'openai', LLM_BASE_URL: upstream.url, LLM_MODEL: 'm', LLM_API_KEY: KEY, LLM_MAX_RETRIES: '0' });
    const reply = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(reply.body.code).to.not.equal(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(JSON.stringify(service.logLines())).to.not.include(KEY);
  });
});
