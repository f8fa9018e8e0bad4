import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { FakeOpenAiServer, sseOf } from '../support/fake-openai-server.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

/** The lines logged from `from` on (the service logs at debug level in tests). */
const linesSince = (service: TestService, from: number) => service.logLines().slice(from);

/**
 * The trace id travels explicitly (no AsyncLocalStorage), so these calls go
 * through every adapter that logs during a call and check that none forgot it.
 */
describe('trace ids on the log lines of a call', () => {
  let service: TestService | undefined;
  let fake: FakeOpenAiServer | undefined;
  let retrieval: Server | undefined;
  afterEach(async () => {
    await service?.close();
    await fake?.close();
    retrieval?.close();
    service = fake = retrieval = undefined;
  });

  it('when the retrieval API fails and the model upstream is retried, then every line of each call carries that call\'s trace id', async () => {
    retrieval = createServer((_req, res) => res.writeHead(503).end('down'));
    await new Promise<void>((resolve) => retrieval!.listen(0, '127.0.0.1', resolve));
    fake = await FakeOpenAiServer.start();
    fake.reply({ status: 503, body: ['busy'] }, { body: sseOf(['好的']) }, { status: 503, body: ['busy'] }, { body: sseOf(['好的']) });
    service = await startTestService({
      KB_PROVIDER: 'http',
      KB_URL: `http://127.0.0.1:${(retrieval.address() as AddressInfo).port}`,
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: fake.url,
      LLM_API_KEY: 'sk-test',
      LLM_MODEL: 'm',
      LLM_MAX_RETRIES: '1',
      // With no documents the model is asked only when told to (the default sends the no-answer reply).
      NO_RECALL_ASK_MODEL: 'true',
    });
    const sync = async () => (await sendJson(service!.url, '/chat/sync', { body: A_QUESTION })).headers.get('x-trace-id');
    const stream = async () => (await postSse(service!.url, A_QUESTION)).headers['x-trace-id'];
    for (const call of [sync, stream]) {
      const from = service.logLines().length;
      const traceId = await call();
      await new Promise((r) => setTimeout(r, 20));
      const lines = linesSince(service, from);
      const messages = lines.map((l) => String(l.message));
      expect(messages).to.include('retrieval failed; answering without documents');
      expect(lines.some((l) => l.llm_error === 'http_5xx')).to.equal(true);
      expect(messages).to.include('call');
      expect(traceId).to.be.a('string').and.not.equal('');
      expect(lines.map((l) => [l.message, l.traceId])).to.deep.equal(lines.map((l) => [l.message, traceId]));
    }
  });

  it('when the caller hangs up mid-stream, then the cancellation line and the call line carry the trace id', async () => {
    service = await startTestService({}, { llm: new ScriptedLlm(['一', { wait: 10_000 }, '二']) });
    const reply = await postSse(service.url, A_QUESTION, { hangUpAfterFrames: 1 });
    const traceId = reply.headers['x-trace-id'];
    const until = Date.now() + 2000;
    while (!service.logLines().some((l) => l.message === 'call') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const lines = service.logLines();
    expect(lines.map((l) => l.message)).to.include.members(['caller hung up; turn cancelled', 'call']);
    expect(lines.map((l) => [l.message, l.traceId])).to.deep.equal(lines.map((l) => [l.message, traceId]));
  });
});
