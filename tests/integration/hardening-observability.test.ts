import { once } from 'node:events';
import { connect } from 'node:net';
import { expect } from 'chai';
import type { HealthCheck, HealthStatus } from '../../src/application/ports/health-check.port.js';
import type { KnowledgeBasePort, RecallQuery } from '../../src/application/ports/knowledge-base.port.js';
import type { RecallResult } from '../../src/domain/recall-result.js';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

/** A knowledge base that says whether it is loaded, as the local adapter does. */
class LoadingKnowledgeBase extends FakeKnowledgeBase implements KnowledgeBasePort, HealthCheck {
  loaded = false;
  override recall(query: RecallQuery, signal: AbortSignal): Promise<RecallResult> {
    return super.recall(query, signal);
  }
  async health(): Promise<HealthStatus> {
    return this.loaded ? { ok: true, detail: '1 document loaded' } : { ok: false, detail: 'still indexing' };
  }
}

/** The value of one sample line, e.g. `metric{label="x"} 3`. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('hardening: what it is doing', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when calls have been served, then /metrics counts them by route, status, answer, recall, failure and deadline', async () => {
    const llm = new ScriptedLlm(['在', '后台']);
    service = await startTestService({}, { llm, knowledgeBase: new FakeKnowledgeBase() });
    await postSse(service.url, A_QUESTION);
    await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    await sendJson(service.url, '/chat/sync', { body: { user: 'x' } });
    await service.close();

    const failing = new ScriptedLlm([{ fail: new Error('upstream down') }]);
    // With no documents the model is asked only when told to (the default sends the no-answer reply).
    service = await startTestService({ NO_RECALL_ASK_MODEL: 'true' }, { llm: failing, knowledgeBase: new FakeKnowledgeBase([]) });
    await postSse(service.url, A_QUESTION);
    let text = await (await fetch(`${service.url}/metrics`)).text();
    const p = 'yishiting_bot_';
    expect(sample(text, `${p}http_requests_total{route="/chat",method="POST",status="200"}`)).to.equal(1);
    expect(sample(text, `${p}answers_total{answer_success="0",reason="llm_unavailable"}`)).to.equal(1);
    expect(sample(text, `${p}recall_total{hit="0"}`)).to.equal(1);
    expect(sample(text, `${p}dependency_errors_total{dependency="llm",kind="llm_unavailable"}`)).to.equal(1);
    expect(sample(text, `${p}open_streams`)).to.equal(0);
    await service.close();

    // A fresh app has its own registry: counts do not leak between apps in one process.
    const slow = new ScriptedLlm(['一', { wait: 5000 }]);
    service = await startTestService({ CHAT_DEADLINE_MS: '300' }, { llm: slow });
    await postSse(service.url, A_QUESTION);
    await sendJson(service.url, '/chat/sync', { body: { user: 'x' } });
    text = await (await fetch(`${service.url}/metrics`)).text();
    expect(sample(text, `${p}http_requests_total{route="/chat",method="POST",status="200"}`)).to.equal(1);
    expect(sample(text, `${p}http_requests_total{route="/chat/sync",method="POST",status="400"}`)).to.equal(1);
    expect(sample(text, `${p}deadline_cuts_total{route="/chat"}`)).to.equal(1);
    expect(sample(text, `${p}recall_total{hit="1"}`)).to.equal(1);
    expect(sample(text, `${p}turn_duration_seconds_count{route="/chat"}`)).to.equal(1);
    expect(sample(text, `${p}turn_first_frame_seconds_bucket{le="60",route="/chat"}`)).to.equal(1);
    expect(text).to.include(`${p}turns_in_flight 0`);
  });

  it('when a stream is open, then the open-streams gauge shows it', async () => {
    const llm = new ScriptedLlm(['一', { wait: 600 }, '二']);
    service = await startTestService({}, { llm });
    const reply = postSse(service.url, A_QUESTION);
    while (llm.calls < 1) await new Promise((r) => setTimeout(r, 10));
    const during = await (await fetch(`${service.url}/metrics`)).text();
    expect(sample(during, 'yishiting_bot_open_streams')).to.equal(1);
    await reply;
    const after = await (await fetch(`${service.url}/metrics`)).text();
    expect(sample(after, 'yishiting_bot_open_streams')).to.equal(0);
  });

  it('when METRICS_TOKEN is set, then /metrics needs it and chat calls do not', async () => {
    service = await startTestService({ METRICS_TOKEN: 'm-token', MOCK_LLM_DELAY_MS: '0' });
    const refused = await sendJson(service.url, '/metrics', { method: 'GET' });
    expect(refused.status).to.equal(401);
    expect(refused.body.code).to.equal(40100);
    const ok = await fetch(`${service.url}/metrics`, { headers: { authorization: 'Bearer m-token' } });
    expect(ok.status).to.equal(200);
    expect(ok.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    expect((await sendJson(service.url, '/chat/sync', { body: A_QUESTION })).status).to.equal(200);
  });

  it('when the knowledge base is still loading, then /ready is 503 naming it, and 200 once loaded; /health stays 200', async () => {
    const kb = new LoadingKnowledgeBase();
    // Turn records add their own (always ok) check to /ready; this test is about the knowledge base alone.
    service = await startTestService({ RECORDS_DB: 'off' }, { knowledgeBase: kb });
    const loading = await sendJson(service.url, '/ready', { method: 'GET' });
    expect(loading.status).to.equal(503);
    expect(loading.body).to.deep.equal({
      status: 'not_ready',
      checks: { knowledge_base: { ok: false, detail: 'still indexing' } },
    });
    expect((await fetch(`${service.url}/health`)).status).to.equal(200);
    kb.loaded = true;
    const ready = await sendJson(service.url, '/ready', { method: 'GET' });
    expect(ready.status).to.equal(200);
    expect(ready.body).to.deep.equal({ status: 'ready', checks: { knowledge_base: { ok: true, detail: '1 document loaded' } } });
  });

  it('when shutdown has begun, then /ready is 503 even though every dependency is fine', async () => {
    service = await startTestService();
    expect((await sendJson(service.url, '/ready', { method: 'GET' })).status).to.equal(200);
    // A probe whose request is already on the wire when the listener closes, as a load balancer's would be.
    const socket = connect(Number(new URL(service.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /ready HTTP/1.1\r\nHost: probe\r\n');
    await new Promise((r) => setTimeout(r, 50));
    const stopped = service.shutdown(5000);
    let raw = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    socket.write('Connection: close\r\n\r\n');
    await once(socket, 'close');
    expect(raw).to.match(/^HTTP\/1\.1 503 /);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).to.deep.include({ status: 'not_ready' });
    expect(await stopped).to.equal('drained');
  });
  it('when the caller leaves while still sending its body, then the call is logged and counted as 499, not 404', async () => {
    service = await startTestService();
    const socket = connect(Number(new URL(service.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write('POST /chat/sync HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user":');
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    const deadline = Date.now() + 3000;
    const callLine = () => service?.logLines().find((l) => l.message === 'call' && l.route === '/chat/sync');
    while (!callLine() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(callLine()).to.include({ method: 'POST', status: 499 });
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(sample(text, 'yishiting_bot_http_requests_total{route="/chat/sync",method="POST",status="499"}')).to.equal(1);
    expect(text).to.not.include('route="/chat/sync",method="POST",status="404"');
  });
});
