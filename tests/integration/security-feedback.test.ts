import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { adminReportUntil } from '../support/records-client.js';
import { sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

type Report = { feedback: { turn: string; question: string | null; comment: string }[] };

describe('security: feedback by msg_id is about the rating user\'s own turn', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when another user rates a msg_id, then the report does not put that rating on the asker\'s question; each user\'s own rating lands on their own turn', async () => {
    service = await startTestService(
      { RECORDS_DB: join(mkdtempSync(join(tmpdir(), 'fb-sec-')), 'r.sqlite'), MOCK_LLM_DELAY_MS: '0' },
      { knowledgeBase: new FakeKnowledgeBase() },
    );
    const url = service.url;
    // msg_ids are the caller's: two users may use the same one (idempotency keys on user + msg_id).
    await sendJson(url, '/chat/sync', { body: { user: 'alice', msg_type: 'text', content: '怎么重置 VPN 密码？', msg_id: 'm-1' } });
    await sendJson(url, '/chat/sync', { body: { user: 'bob', msg_type: 'text', content: '打印机卡纸怎么办？', msg_id: 'm-1' } });
    await sendJson(url, '/feedback', { body: { user: 'mallory', msg_id: 'm-1', rating: 'down', comment: 'forged' } });
    await sendJson(url, '/feedback', { body: { user: 'alice', msg_id: 'm-1', rating: 'down', comment: 'alice' } });
    await sendJson(url, '/feedback', { body: { user: 'bob', msg_id: 'm-1', rating: 'down', comment: 'bob' } });
    const report = await adminReportUntil<Report>(url, '/admin/api/feedback', (b) => b.feedback.length === 3 && b.feedback.some((f) => f.question !== null));
    const by = (comment: string) => report.feedback.find((f) => f.comment === comment);
    expect(by('alice')).to.include({ question: '怎么重置 VPN 密码？' });
    expect(by('bob')).to.include({ question: '打印机卡纸怎么办？' });
    // Before: mallory's comment was shown against whichever turn had msg_id m-1 (bob's or alice's).
    expect(by('forged')).to.include({ question: null });
  });
});
