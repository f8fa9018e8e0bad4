import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { adminReportUntil } from '../support/records-client.js';
import { sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

/** `length` random Han characters: no two such questions share enough terms to be grouped together. */
function noise(length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(0x4e00 + Math.floor(Math.random() * 20_000));
  return text;
}

describe('security: the admin reports never stall the calls being answered', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when callers left hundreds of long, all-different unanswered questions, then /health still answers at once while the admin page groups them', async function () {
    this.timeout(60_000);
    service = await startTestService(
      { RECORDS_DB: join(mkdtempSync(join(tmpdir(), 'admin-stall-')), 'r.sqlite'), MOCK_LLM_DELAY_MS: '0' },
      { knowledgeBase: new FakeKnowledgeBase([]) },
    );
    const url = service.url;
    const count = 300;
    // As anyone who may call /chat/sync can: questions of the longest accepted length (MAX_CONTENT_CHARS, 4,000).
    for (let sent = 0; sent < count; sent += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => sendJson(url, '/chat/sync', { body: { user: `u${sent + i}`, msg_type: 'text', content: noise(4000) } })),
      );
    }
    await adminReportUntil<{ turns: number }>(url, '/admin/api/summary', (s) => s.turns === count, { ms: 20_000 });

    let done = false;
    const report = sendJson(url, '/admin/api/unanswered', { method: 'GET' }).finally(() => (done = true));
    // /health asked again and again while the report is computed: none of them may wait for it.
    let slowest = 0;
    while (!done) {
      const started = Date.now();
      const health = await fetch(`${url}/health`);
      expect(health.status).to.equal(200);
      slowest = Math.max(slowest, Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const groups = (await report).body.groups as unknown[];
    // Before: the grouping ran on the event loop in one piece (~15 s here for 300 turns, quadratic in them), and /health waited for it.
    expect(slowest, 'the longest /health waited (ms)').to.be.below(1000);
    expect(groups.length).to.be.within(1, 200);
  });
});
