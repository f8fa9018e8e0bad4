import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { adminReportUntil } from '../support/records-client.js';
import { sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

describe('POST /feedback', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });
  const start = (env: Record<string, string> = {}) =>
    startTestService({ RECORDS_DB: join(mkdtempSync(join(tmpdir(), 'fb-')), 'r.sqlite'), MOCK_LLM_DELAY_MS: '0', ...env }, { knowledgeBase: new FakeKnowledgeBase() });

  it('when the body is wrong, then 400 names the field, in the protocol shape', async () => {
    service = await start();
    const cases: [object | string, RegExp][] = [
      [{ msg_id: 'm', rating: 'up' }, /user: is required/],
      [{ user: 'u', msg_id: 'm' }, /rating: is required/],
      [{ user: 'u', msg_id: 'm', rating: 'meh' }, /rating: must be "up" or "down"/],
      [{ user: 'u', rating: 'up' }, /msg_id or third_party_trace_id: exactly one is required/],
      [{ user: 'u', msg_id: 'm', third_party_trace_id: 't', rating: 'up' }, /exactly one/],
      [{ user: 'u', msg_id: 'm', rating: 'down', comment: 'x'.repeat(1001) }, /comment: must have at most 1000 characters/],
      [[], /body: must be a JSON object/],
      ['{', /malformed JSON/],
    ];
    for (const [body, problem] of cases) {
      const reply = await sendJson(service.url, '/feedback', { body: typeof body === 'string' ? body : JSON.stringify(body) });
      expect(reply.status, JSON.stringify(body)).to.equal(400);
      expect(reply.body.code).to.equal(40000);
      expect(String(reply.body.err_msg), JSON.stringify(body)).to.match(problem);
    }
    const text = await sendJson(service.url, '/feedback', { body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).to.equal(415);
  });

  it('when a user rates a turn twice, then the second rating replaces the first; the thumbs-down report shows question, answer and comment', async () => {
    service = await start();
    const chat = await sendJson(service.url, '/chat/sync', { body: { user: 'zhangsan', msg_type: 'text', content: '怎么配置回调地址？', msg_id: 'm-1' } });
    const trace = String(chat.body.third_party_trace_id);
    const ok = await sendJson(service.url, '/feedback', { body: { user: 'zhangsan', msg_id: 'm-1', rating: 'up' } });
    expect(ok.status).to.equal(200);
    expect(ok.body).to.include({ code: 0, err_msg: '' });
    await sendJson(service.url, '/feedback', { body: { user: 'zhangsan', msg_id: 'm-1', rating: 'down', comment: '没说清楚<script>' } });
    await sendJson(service.url, '/feedback', { body: { user: 'lisi', third_party_trace_id: trace, rating: 'down' } });
    const report = await adminReportUntil<{ feedback: Record<string, unknown>[] }>(service.url, '/admin/api/feedback', (b) =>
      b.feedback.length === 2 && b.feedback.every((f) => f.question !== null),
    );
    const mine = report.feedback.find((f) => f.comment !== '')!;
    expect(mine).to.include({ turn: 'm:m-1', question: '怎么配置回调地址？', comment: '没说清楚<script>' });
    expect(String(mine.answer)).to.not.equal('');
    expect(report.feedback.find((f) => f.comment === '')).to.include({ turn: `t:${trace}` });
  });

  it('when AUTH_TOKEN is set, then /feedback needs it like the chat calls', async () => {
    service = await start({ AUTH_TOKEN: 'secret-token' });
    const body = { user: 'u', msg_id: 'm', rating: 'up' };
    expect((await sendJson(service.url, '/feedback', { body })).status).to.equal(401);
    expect((await sendJson(service.url, '/feedback', { body, headers: { authorization: 'Bearer secret-token' } })).status).to.equal(200);
  });
});
