import { expect } from 'chai';
import { request } from 'node:http';
import { CallerGone } from '../../src/domain/turn-failure.js';
import { DOC_A, FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { postSse, type SseReply } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

const PENDING = { urls: '', context: '', answer_success: 0, docs: [] };

/** The protocol's invariants for any stream: frame shape, one final frame, last. */
function expectWellFormedStream(reply: SseReply): void {
  expect(reply.status).to.equal(200);
  expect(reply.headers['content-type']).to.equal('text/event-stream; charset=utf-8');
  expect(reply.headers['cache-control']).to.equal('no-cache');
  expect(reply.headers['x-accel-buffering']).to.equal('no');
  expect(reply.headers['content-encoding']).to.equal(undefined);
  // Byte-level: nothing but exact frames, each `event:delta\ndata:<one line>\n\n`.
  expect(reply.body).to.match(/^(event:delta\ndata:[^\n]+\n\n)+$/);
  expect(reply.frames.length).to.be.greaterThan(0);
  const finals = reply.frames.filter((f) => f.data.finished === true);
  expect(finals).to.have.length(1);
  expect(reply.frames.at(-1)?.data.finished).to.equal(true);
  for (const f of reply.frames) {
    expect(f.event).to.equal('delta');
    expect(f.data.response).to.be.a('string');
    expect(f.data.response.isWellFormed()).to.equal(true);
    if (!f.data.finished) expect(f.data.global_output).to.deep.equal(PENDING);
  }
}

const text = (reply: SseReply) => reply.frames.map((f) => f.data.response).join('');

describe('POST /chat (SSE)', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when a question is asked, then the answer streams as protocol frames ending with one final frame citing the docs', async () => {
    const llm = new ScriptedLlm(['在', '后台', '配置😀']);
    service = await startTestService({}, { llm, knowledgeBase: new FakeKnowledgeBase() });
    const reply = await postSse(service.url, A_QUESTION);
    expectWellFormedStream(reply);
    expect(text(reply)).to.equal('在后台配置😀');
    expect(reply.frames.at(-1)?.data.global_output).to.deep.equal({
      answer_success: 1,
      docs: [{ doc_id: DOC_A.docId, title: DOC_A.title, url: DOC_A.url }],
    });
    expect(reply.headers['x-trace-id']).to.be.a('string').and.not.equal('');
  });

  it('when the mock model types slowly, then frames arrive one by one, not all at the end', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '40', MOCK_LLM_ANSWER: '一二三四五六' });
    const reply = await postSse(service.url, A_QUESTION);
    expectWellFormedStream(reply);
    expect(text(reply)).to.equal('一二三四五六');
    const pieces = reply.frames.filter((f) => !f.data.finished);
    expect(pieces).to.have.length(6);
    // Arrival times spread over the typing time: the first piece came long before the last.
    expect(pieces.at(-1)!.at - pieces[0]!.at).to.be.greaterThan(120);
  });

  it('when the model is slow to its first token, then the status and headers are out long before it', async () => {
    service = await startTestService({}, { llm: new ScriptedLlm([{ wait: 400 }, '一']) });
    const url = service.url;
    const { headersMs, firstFrameMs, contentType } = await new Promise<{ headersMs: number; firstFrameMs: number; contentType?: string }>(
      (resolve, reject) => {
        const t0 = Date.now();
        const req = request(`${url}/chat`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          const headersMs = Date.now() - t0;
          res.once('data', () => resolve({ headersMs, firstFrameMs: Date.now() - t0, contentType: res.headers['content-type'] }));
          res.resume();
        });
        req.on('error', reject);
        req.end(JSON.stringify(A_QUESTION));
      },
    );
    expect(contentType).to.equal('text/event-stream; charset=utf-8');
    expect(firstFrameMs).to.be.at.least(400);
    expect(headersMs).to.be.below(200);
  });

  it('when the model emits emoji and CJK, then no frame splits a character', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0', MOCK_LLM_ANSWER: '👨‍👩‍👧好😀🇨🇳é' });
    const reply = await postSse(service.url, A_QUESTION);
    expectWellFormedStream(reply);
    expect(reply.frames.filter((f) => !f.data.finished).map((f) => f.data.response)).to.deep.equal([
      '👨‍👩‍👧',
      '好',
      '😀',
      '🇨🇳',
      'é',
    ]);
  });

  it('when the deadline passes mid-answer, then the stream ends with an apology frame before the deadline', async () => {
    const llm = new ScriptedLlm(['开始', { wait: 10_000 }]);
    service = await startTestService({ CHAT_DEADLINE_MS: '300' }, { llm });
    const reply = await postSse(service.url, A_QUESTION);
    expectWellFormedStream(reply);
    expect(reply.endedAt - reply.startedAt).to.be.lessThan(1500);
    const last = reply.frames.at(-1)!;
    expect(last.data.global_output).to.deep.equal({ answer_success: 0, docs: [] });
    expect(last.data.response).to.match(/超时/);
    expect(llm.aborted).to.equal(true);
  });

  it('when the model fails mid-stream, then the stream ends with one apology frame', async () => {
    const llm = new ScriptedLlm(['半句', { fail: new Error('upstream reset') }]);
    service = await startTestService({}, { llm });
    const reply = await postSse(service.url, A_QUESTION);
    expectWellFormedStream(reply);
    expect(reply.frames).to.have.length(2);
    expect(reply.frames[1]!.data.response).to.not.equal('');
    expect(reply.frames[1]!.data.global_output).to.deep.equal({ answer_success: 0, docs: [] });
    expect(JSON.stringify(reply.frames)).to.not.include('upstream reset');
  });

  it('when the caller hangs up mid-stream, then the fake model sees the abort and it is logged as normal', async () => {
    const llm = new ScriptedLlm(['一', { wait: 10_000 }, '二']);
    service = await startTestService({}, { llm });
    const reply = await postSse(service.url, A_QUESTION, { hangUpAfterFrames: 1 });
    expect(reply.frames).to.have.length(1);
    const deadline = Date.now() + 2000;
    while (!llm.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(llm.abortReasons[0]).to.be.instanceOf(CallerGone);
    await new Promise((r) => setTimeout(r, 50));
    const lines = service.logLines();
    const call = lines.find((l) => l.message === 'call' && l.route === '/chat');
    expect(call).to.include({ outcome: 'caller_hung_up' });
    expect(lines.filter((l) => l.level === 'error')).to.deep.equal([]);
    // The hang-up reaches the outcomes metric too (it was read before the route had set it).
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).to.match(/yishiting_bot_turn_outcomes_total\{route="\/chat",outcome="caller_hung_up"\} 1/);
  });

  it('when msg_type is not text, then a polite reply streams with answer_success 0', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0' });
    const reply = await postSse(service.url, { ...A_QUESTION, msg_type: 'image' });
    expectWellFormedStream(reply);
    expect(text(reply)).to.match(/文字/);
    expect(reply.frames.at(-1)!.data.global_output).to.deep.equal({ answer_success: 0, docs: [] });
  });

  it('when 120 streams run at once, then every one ends with exactly one final frame', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '5', MOCK_LLM_ANSWER: '并发测试的回答' });
    const url = service.url;
    const replies = await Promise.all(
      Array.from({ length: 120 }, (_, i) => postSse(url, { ...A_QUESTION, msg_id: `m-${i}` })),
    );
    for (const reply of replies) {
      expectWellFormedStream(reply);
      expect(text(reply)).to.equal('并发测试的回答');
    }
    const traceIds = new Set(replies.map((r) => r.headers['x-trace-id']));
    expect(traceIds.size).to.equal(120);
  });
});
