import { expect } from 'chai';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { PASSAGE_VPN } from '../fakes/faq-entries.fake.js';
import { FakeOpenAiServer, sseOf } from '../support/fake-openai-server.js';
import { sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

const ask = (content: string) => ({ user: 'u', msg_type: 'text', content, session_id: 'conv-1' });

describe('answers: follow-up questions over HTTP', () => {
  let service: TestService | undefined;
  let upstream: FakeOpenAiServer | undefined;
  beforeEach(async () => {
    upstream = await FakeOpenAiServer.start();
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    await upstream?.close();
  });

  it('when a real model is configured, then it rewrites "那这个怎么弄？" in one short call and retrieval searches for its rewrite', async () => {
    upstream!.reply({ body: sseOf(['请重启 VPN 客户端。']) }, { body: sseOf(['VPN 客户端', '怎么重新安装？']) }, { body: sseOf(['按手册安装。']) });
    const kb = new FakeKnowledgeBase([PASSAGE_VPN]);
    service = await startTestService({ LLM_PROVIDER: 'openai', LLM_BASE_URL: upstream!.url, LLM_MODEL: 'm' }, { knowledgeBase: kb });
    await sendJson(service.url, '/chat/sync', { body: ask('VPN 连不上怎么办？') });
    const reply = await sendJson(service.url, '/chat/sync', { body: ask('那这个怎么弄？') });
    expect(reply.body).to.include({ code: 0, msg_content: '按手册安装。' });
    expect(kb.queries.map((q) => q.text)).to.deep.equal(['VPN 连不上怎么办？', 'VPN 客户端怎么重新安装？']);
    expect(upstream!.requests).to.have.length(3);
    const rewrite = upstream!.requests[1]!.body;
    expect(rewrite).to.include({ max_tokens: 128, model: 'm' });
    const prompt = (rewrite.messages as { content: string }[]).map((m) => m.content).join('\n');
    expect(prompt).to.include('最新问题：那这个怎么弄？').and.include('用户：VPN 连不上怎么办？');
  });

  it('when the model is the mock, then the previous question\'s topic words are carried into retrieval', async () => {
    const kb = new FakeKnowledgeBase([PASSAGE_VPN]);
    service = await startTestService({ LLM_PROVIDER: 'mock', MOCK_LLM_DELAY_MS: '0' }, { knowledgeBase: kb });
    await sendJson(service.url, '/chat/sync', { body: ask('VPN 连不上怎么办？') });
    await sendJson(service.url, '/chat/sync', { body: ask('那这个怎么弄？') });
    expect(kb.queries.map((q) => q.text)).to.deep.equal(['VPN 连不上怎么办？', 'VPN 连不上 那这个怎么弄？']);
  });

  it('when the rewrite upstream fails, then the turn falls back to the topic words and is still answered', async () => {
    upstream!.reply({ body: sseOf(['请重启 VPN 客户端。']) }, { status: 500, body: ['{"error":{"message":"boom"}}'] }, { body: sseOf(['按手册安装。']) });
    const kb = new FakeKnowledgeBase([PASSAGE_VPN]);
    service = await startTestService({ LLM_PROVIDER: 'openai', LLM_BASE_URL: upstream!.url, LLM_MODEL: 'm', LLM_MAX_RETRIES: '0' }, { knowledgeBase: kb });
    await sendJson(service.url, '/chat/sync', { body: ask('VPN 连不上怎么办？') });
    const reply = await sendJson(service.url, '/chat/sync', { body: ask('那这个怎么弄？') });
    expect(reply.body).to.include({ code: 0, msg_content: '按手册安装。' });
    expect(kb.queries[1]!.text).to.equal('VPN 连不上 那这个怎么弄？');
  });

  it('when the rewriting model is too slow for the deadline, then the turn still ends by its deadline', async () => {
    upstream!.reply({ body: sseOf(['请重启 VPN 客户端。']) }, { headersDelayMs: 20_000, body: sseOf(['太晚']) });
    const env = { LLM_PROVIDER: 'openai', LLM_BASE_URL: upstream!.url, LLM_MODEL: 'm', CHAT_DEADLINE_MS: '1000', REWRITE_TIMEOUT_MS: '60000', REWRITE_MIN_REMAINING_MS: '0' };
    service = await startTestService(env, { knowledgeBase: new FakeKnowledgeBase([PASSAGE_VPN]) });
    await sendJson(service.url, '/chat/sync', { body: ask('VPN 连不上怎么办？') });
    const started = Date.now();
    const reply = await sendJson(service.url, '/chat/sync', { body: ask('那这个怎么弄？') });
    expect(Date.now() - started).to.be.lessThan(1800);
    expect(reply.status).to.equal(200);
    expect(reply.body.msg_content).to.be.a('string').and.not.equal('');
  });
});
