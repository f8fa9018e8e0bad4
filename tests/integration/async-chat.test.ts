import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

/** A push receiver on port 0 that answers with the given statuses in turn (the last one repeats). */
class FakeReceiver {
  readonly bodies: Record<string, unknown>[] = [];
  readonly headers: IncomingMessage['headers'][] = [];
  private server?: Server;

  constructor(private readonly statuses: readonly number[]) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        this.bodies.push(JSON.parse(raw) as Record<string, unknown>);
        this.headers.push(req.headers);
        res.statusCode = this.statuses[Math.min(this.bodies.length - 1, this.statuses.length - 1)]!;
        res.end('{}');
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/push?token=secret-in-url`;
  }

  async close(): Promise<void> {
    if (this.server) await new Promise((resolve) => this.server!.close(resolve));
  }
}

async function until<T>(what: string, probe: () => T | undefined, withinMs = 5000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('POST /chat/async', () => {
  let service: TestService | undefined;
  let receiver: FakeReceiver | undefined;
  afterEach(async () => {
    await service?.close();
    await receiver?.close();
    service = undefined;
    receiver = undefined;
  });

  const asyncEnv = (url: string) => ({ ASYNC_PUSH_URL: url, ASYNC_PUSH_ATTEMPTS: '3', ASYNC_PUSH_BACKOFF_MS: '20' });
  const body = { ...A_QUESTION, msg_id: 'async-1' };

  it('when a question arrives, then it is acknowledged at once and the sync-style answer is pushed with msg_id, session_id and user', async () => {
    receiver = new FakeReceiver([200]);
    service = await startTestService(asyncEnv(await receiver.start()), {
      llm: new ScriptedLlm(['异步', { wait: 300 }, '的回答']),
    });
    const ack = await sendJson(service.url, '/chat/async', { body });
    expect(ack.status).to.equal(200);
    expect(receiver.bodies, 'acknowledged before the answer is ready').to.have.length(0);
    expect(ack.body).to.deep.equal({
      code: 0,
      err_msg: '',
      is_async_response: true,
      third_party_trace_id: ack.headers.get('x-trace-id'),
    });
    const pushed = await until('the push', () => receiver!.bodies[0]);
    expect(pushed).to.include({
      code: 0,
      err_msg: '',
      is_async_response: false,
      msg_type: 'text',
      msg_content: '异步的回答',
      third_party_trace_id: ack.body.third_party_trace_id,
      msg_id: 'async-1',
      session_id: A_QUESTION.session_id,
      user: A_QUESTION.user,
      is_recall_success: 1,
    });
    expect(pushed.recall_docs).to.be.an('array').with.length.greaterThan(0);
    expect(receiver.headers[0]!['content-type']).to.match(/^application\/json/);
  });

  it('when the receiver answers 500 first, then the push is retried and delivered on the second attempt', async () => {
    receiver = new FakeReceiver([500, 200]);
    service = await startTestService(asyncEnv(await receiver.start()), { llm: new ScriptedLlm(['回答']) });
    await sendJson(service.url, '/chat/async', { body });
    const delivered = await until('delivery', () =>
      service!.logLines().find((l) => l.message === 'async answer delivered'),
    );
    expect(delivered).to.include({ attempt: 2 });
    expect(receiver.bodies).to.have.length(2);
    expect(receiver.bodies[1]).to.deep.equal(receiver.bodies[0]);
    expect(service.logLines().find((l) => l.message === 'async answer not delivered; retrying')).to.include({ error: 'HTTP 500' });
  });

  it('when the receiver is down, then the push gives up after ASYNC_PUSH_ATTEMPTS and logs the final failure without the URL', async () => {
    receiver = new FakeReceiver([200]);
    const url = await receiver.start();
    await receiver.close(); // nobody listens there any more
    service = await startTestService(asyncEnv(url), { llm: new ScriptedLlm(['回答']) });
    const ack = await sendJson(service.url, '/chat/async', { body });
    expect(ack.body).to.include({ code: 0, is_async_response: true });
    const failure = await until('the final failure', () =>
      service!.logLines().find((l) => l.message === 'async answer could not be delivered; giving up'),
    );
    expect(failure).to.include({ level: 'error', attempts: 3, error: 'ECONNREFUSED' });
    expect(service.logLines().filter((l) => l.message === 'async answer not delivered; retrying')).to.have.length(2);
    expect(JSON.stringify(service.logLines())).to.not.include('secret-in-url');
  });

  it('when the body is invalid, then it gets the same 400 as /chat/sync, naming the field', async () => {
    receiver = new FakeReceiver([200]);
    service = await startTestService(asyncEnv(await receiver.start()));
    const reply = await sendJson(service.url, '/chat/async', { body: { ...A_QUESTION, content: '' } });
    expect(reply.status).to.equal(400);
    expect(reply.body.err_msg).to.match(/content/);
    expect(reply.body.code).to.not.equal(0);
  });

  it('when ASYNC_PUSH_URL is not configured, then /chat/async answers 503 saying what to configure', async () => {
    service = await startTestService();
    const reply = await sendJson(service.url, '/chat/async', { body });
    expect(reply.status).to.equal(503);
    expect(reply.body.err_msg).to.match(/ASYNC_PUSH_URL/);
    expect(reply.body.third_party_trace_id).to.be.a('string');
  });

  it('when MAX_CONCURRENT_TURNS turns already run, then /chat/async refuses at once with 503 busy, and accepts again once they are answered', async () => {
    receiver = new FakeReceiver([200]);
    const llm = new ScriptedLlm(['第一个', { wait: 400 }, '回答']);
    service = await startTestService({ ...asyncEnv(await receiver.start()), MAX_CONCURRENT_TURNS: '1' }, { llm });
    const first = await sendJson(service.url, '/chat/async', { body });
    expect(first.body).to.include({ code: 0, is_async_response: true });

    const refused = await sendJson(service.url, '/chat/async', { body: { ...body, msg_id: 'async-2' } });
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('retry-after')).to.equal('1');
    expect(refused.body).to.include({ code: 50301, third_party_trace_id: refused.headers.get('x-trace-id') });
    expect(refused.body.err_msg).to.match(/busy/);
    const syncMeanwhile = await sendJson(service.url, '/chat/sync', { body: { ...body, msg_id: 'sync-1' } });
    expect(syncMeanwhile.body, 'the async turn holds the only slot').to.include({ code: 50301 });

    await until('the first push', () => receiver!.bodies[0]);
    expect(llm.calls, 'the refused turn never reached the model').to.equal(1);
    const again = await sendJson(service.url, '/chat/async', { body: { ...body, msg_id: 'async-3' } });
    expect(again.body).to.include({ code: 0, is_async_response: true });
    await until('the second push', () => receiver!.bodies[1]);
    expect(receiver.bodies.map((b) => b.msg_id)).to.deep.equal(['async-1', 'async-3']);
  });

  it('when the service cuts running turns at shutdown, then an accepted async turn ends and its apology is pushed', async () => {
    receiver = new FakeReceiver([200]);
    service = await startTestService(asyncEnv(await receiver.start()), { llm: new ScriptedLlm(['说到一半', { hang: true }]) });
    const ack = await sendJson(service.url, '/chat/async', { body });
    expect(ack.body).to.include({ code: 0 });
    await until('the turn to reach the model', () => service!.logLines().length > 0 || undefined);
    await service.shutdown(50);
    const pushed = await until('the apology push', () => receiver!.bodies[0]);
    expect(pushed).to.include({ code: 50301, msg_id: 'async-1', third_party_trace_id: ack.body.third_party_trace_id });
    expect(pushed.msg_content).to.be.a('string').and.not.equal('');
    expect(pushed.msg_content).to.not.include('说到一半');
  });
});
