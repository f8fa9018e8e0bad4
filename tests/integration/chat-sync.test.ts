import { expect } from 'chai';
import { DOC_A, FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

describe('POST /chat/sync (JSON)', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when a question is asked, then one JSON reply carries every protocol field and the trace id matches the header', async () => {
    service = await startTestService({}, { llm: new ScriptedLlm(['在后台', '配置']), knowledgeBase: new FakeKnowledgeBase() });
    const reply = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(reply.status).to.equal(200);
    expect(reply.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    const traceId = reply.headers.get('x-trace-id');
    expect(reply.body).to.deep.equal({
      code: 0,
      err_msg: '',
      is_async_response: false,
      is_recall_success: 1,
      recall_docs: [{ doc_id: DOC_A.docId, space_id: DOC_A.spaceId, title: DOC_A.title, url: DOC_A.url, score: DOC_A.score }],
      msg_type: 'text',
      msg_content: '在后台配置',
      third_party_trace_id: traceId,
    });
  });

  it('when called twice, then each call has its own trace id, on every log line of that call', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0' });
    const a = await sendJson(service.url, '/chat/sync', { body: A_QUESTION, headers: { authorization: 'Bearer sekrit-token' } });
    const b = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(a.body.third_party_trace_id).to.not.equal(b.body.third_party_trace_id);
    await new Promise((r) => setTimeout(r, 20));
    const lines = service.logLines();
    const callLines = lines.filter((l) => l.message === 'call');
    expect(callLines.map((l) => l.traceId)).to.deep.equal([a.body.third_party_trace_id, b.body.third_party_trace_id]);
    const call = callLines[0]!;
    expect(call).to.include({ route: '/chat/sync', status: 200, method: 'POST' });
    expect(call.durationMs).to.be.a('number');
    expect(call.firstFrameMs).to.be.a('number');
    expect(JSON.stringify(lines)).to.not.include('sekrit-token');
  });

  it('when nothing is recalled and NO_RECALL_ASK_MODEL=true, then is_recall_success is 0, recall_docs is empty and the model answers', async () => {
    // Without the setting the no-answer reply is sent instead (tests/integration/answers-no-recall.test.ts).
    const env = { NO_RECALL_ASK_MODEL: 'true' };
    service = await startTestService(env, { llm: new ScriptedLlm(['答']), knowledgeBase: new FakeKnowledgeBase([]) });
    const reply = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(reply.body).to.include({ code: 0, is_recall_success: 0, msg_content: '答' });
    expect(reply.body.recall_docs).to.deep.equal([]);
  });

  it('when the deadline passes, then code is non-zero with an err_msg, in time', async () => {
    service = await startTestService({ CHAT_DEADLINE_MS: '300' }, { llm: new ScriptedLlm(['半', { wait: 10_000 }]) });
    const started = Date.now();
    const reply = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(Date.now() - started).to.be.lessThan(1500);
    expect(reply.status).to.equal(200);
    expect(reply.body.code).to.not.equal(0);
    expect(reply.body.err_msg).to.be.a('string').and.match(/deadline/);
    expect(reply.body.msg_content).to.be.a('string').and.not.equal('');
  });

  it('when the model fails, then code is non-zero and no internal detail leaks', async () => {
    service = await startTestService({}, { llm: new ScriptedLlm([{ fail: new Error('ECONNREFUSED 10.0.0.1:443 key=sk-123') }]) });
    const reply = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(reply.body.code).to.not.equal(0);
    expect(reply.body.err_msg).to.not.equal('');
    expect(JSON.stringify(reply.body)).to.not.match(/ECONNREFUSED|sk-123|10\.0\.0\.1/);
  });

  it('when the knowledge base fails, then code is non-zero', async () => {
    service = await startTestService({}, { llm: new ScriptedLlm(['x']), knowledgeBase: new FakeKnowledgeBase([], { fail: new Error('down') }) });
    const reply = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(reply.body.code).to.not.equal(0);
    expect(reply.body.err_msg).to.match(/knowledge base/);
  });

  it('when msg_type is not text, then a polite reply comes with code 0', async () => {
    service = await startTestService();
    const reply = await sendJson(service.url, '/chat/sync', { body: { ...A_QUESTION, msg_type: 'voice' } });
    expect(reply.status).to.equal(200);
    expect(reply.body.code).to.equal(0);
    expect(reply.body.msg_content).to.match(/文字/);
  });

  it('when extra fields arrive (raw_msg, response_url), then they are ignored', async () => {
    service = await startTestService({}, { llm: new ScriptedLlm(['好']) });
    const reply = await sendJson(service.url, '/chat/sync', {
      body: { ...A_QUESTION, raw_msg: { any: 'thing' }, response_url: 'http://x.invalid', msg_id: null },
    });
    expect(reply.status).to.equal(200);
    expect(reply.body).to.include({ code: 0, msg_content: '好' });
  });

  it('when the content has a lone surrogate, then it is answered and the model sees well-formed text', async () => {
    const llm = new ScriptedLlm(['好']);
    service = await startTestService({}, { llm });
    const reply = await sendJson(service.url, '/chat/sync', { body: '{"user":"u","msg_type":"text","content":"坏\\ud800字"}' });
    expect(reply.body.code).to.equal(0);
    expect(llm.prompts[0]!.question).to.equal('坏\ufffd字');
  });
});
