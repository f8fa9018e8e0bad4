import { connect } from 'node:net';
import { expect } from 'chai';
import type { LlmPort } from '../../src/application/ports/llm.port.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A model that would talk forever in 4 KB pieces; counts what it produced and whether it was stopped. */
class EndlessLlm implements LlmPort {
  produced = 0;
  aborted = false;
  async *streamAnswer(_prompt: unknown, signal: AbortSignal): AsyncIterable<string> {
    signal.addEventListener('abort', () => (this.aborted = true), { once: true });
    const piece = '长'.repeat(4096);
    while (!signal.aborted) {
      this.produced += piece.length * 3;
      yield piece;
      await new Promise((r) => setImmediate(r));
    }
  }
}

describe('hardening: how much', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when one user asks more than RATE_LIMIT_PER_USER_PER_MIN times, then 429 with Retry-After, others unaffected', async () => {
    service = await startTestService({ RATE_LIMIT_PER_USER_PER_MIN: '2', MOCK_LLM_DELAY_MS: '0', MOCK_LLM_ANSWER: '好' });
    for (let i = 0; i < 2; i += 1) {
      expect((await sendJson(service.url, '/chat/sync', { body: A_QUESTION })).status).to.equal(200);
    }
    const limited = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(limited.status).to.equal(429);
    expect(limited.body.code).to.equal(42900);
    expect(limited.body.err_msg).to.match(/^user: more than 2 calls per minute/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).to.be.within(1, 60);
    const stream = await sendJson(service.url, '/chat', { body: A_QUESTION });
    expect(stream.status).to.equal(429);
    const other = await sendJson(service.url, '/chat/sync', { body: { ...A_QUESTION, user: 'lisi' } });
    expect(other.status).to.equal(200);
  });

  it('when MAX_CONCURRENT_TURNS turns run, then the next sync call gets code≠0 busy at once and the next stream one busy frame', async () => {
    const llm = new ScriptedLlm(['一', { wait: 800 }, '二']);
    service = await startTestService({ MAX_CONCURRENT_TURNS: '2' }, { llm });
    const running = [postSse(service.url, A_QUESTION), postSse(service.url, A_QUESTION)];
    while (llm.calls < 2) await sleep(10);

    const started = Date.now();
    const sync = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(sync.status).to.equal(200);
    expect(sync.body).to.include({ code: 50301, msg_content: '当前咨询人数较多，请稍后再试。' });
    expect(sync.body.err_msg).to.not.equal('');
    const stream = await postSse(service.url, A_QUESTION);
    expect(Date.now() - started).to.be.lessThan(1000); // refused at once, not queued behind the running turns
    expect(stream.status).to.equal(200);
    expect(stream.frames).to.have.length(1);
    expect(stream.frames[0]!.data).to.deep.equal({
      response: '当前咨询人数较多，请稍后再试。',
      finished: true,
      global_output: { answer_success: 0, docs: [] },
    });
    expect(llm.calls).to.equal(2);

    for (const reply of await Promise.all(running)) expect(reply.frames.at(-1)?.data.global_output).to.include({ answer_success: 1 });
    // The slots are free again once the turns end.
    const after = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(after.body.code).to.equal(0);
  });

  it('when a client never reads its stream, then it is dropped after SSE_SLOW_READER_MS and the model stops', async () => {
    const llm = new EndlessLlm();
    // The answer cap would stop this model first; this test is about the reader.
    service = await startTestService({ SSE_SLOW_READER_MS: '300', ANSWER_MAX_CHARS: '10000000' }, { llm });
    const { port } = new URL(service.url);
    const socket = connect(Number(port), '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    const body = JSON.stringify(A_QUESTION);
    socket.write(`POST /chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    socket.pause(); // never read: the kernel buffers fill, then the server's writes stall

    const deadline = Date.now() + 10_000;
    while (!llm.aborted && Date.now() < deadline) await sleep(20);
    expect(llm.aborted, 'the model was stopped').to.equal(true);
    // Bounded by the socket buffers plus one frame, not by how much the model could say.
    expect(llm.produced).to.be.lessThan(64 * 1024 * 1024);
    socket.resume();
    await closed;
    await sleep(50);
    const call = service.logLines().find((l) => l.message === 'call' && l.route === '/chat');
    expect(call).to.include({ outcome: 'caller_hung_up' });
  });

  it('when SSE_KEEPALIVE_MS is set and the model is slow, then keep-alive comments fill the silence; off by default', async () => {
    const llm = new ScriptedLlm(['一', { wait: 450 }, '二']);
    service = await startTestService({ SSE_KEEPALIVE_MS: '100' }, { llm });
    const reply = await postSse(service.url, A_QUESTION);
    expect(reply.comments.filter((c) => c.trim() === 'keep-alive').length).to.be.at.least(2);
    expect(reply.body).to.match(/^(event:delta\ndata:[^\n]+\n\n|: keep-alive\n\n)+$/);
    expect(reply.frames.filter((f) => f.data.finished)).to.have.length(1);
    await service.close();

    service = await startTestService({}, { llm: new ScriptedLlm(['一', { wait: 450 }, '二']) });
    const quiet = await postSse(service.url, A_QUESTION);
    expect(quiet.comments).to.deep.equal([]);
  });
});
