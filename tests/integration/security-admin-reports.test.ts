import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
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

  it('when the records hold thousands of turns of the longest accepted questions, then /health still answers at once while a report reads them', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'admin-read-'));
    const file = join(dir, 'r.sqlite');
    try {
      // The schema as the service makes it, then the turns written straight into it (thousands of calls would take too long here).
      await (await startTestService({ RECORDS_DB: file })).close();
      const db = new Database(file);
      const columns = (db.prepare('PRAGMA table_info(turn_records)').all() as { name: string }[]).map((c) => c.name);
      const insert = db.prepare(`INSERT INTO turn_records (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
      const now = Date.now();
      db.transaction(() => {
        for (let i = 0; i < 5000; i++) {
          const question = noise(4000);
          const row: Record<string, unknown> = {
            trace_id: `seed-${i}`, at: now - i, user_key: 'k', business_keys: '[]', question, standalone_question: question,
            answer: noise(2000), answer_truncated: 0, answered: 0, outcome: 'not_answered', reason: 'no_recall', docs: '[]', duration_ms: 1, provider: 'mock',
          };
          insert.run(...columns.map((c) => row[c] ?? null));
        }
      })();
      db.close();
      service = await startTestService({ RECORDS_DB: file });
      const url = service.url;
      let done = false;
      const report = sendJson(url, '/admin/api/summary', { method: 'GET' }).finally(() => (done = true));
      let slowest = 0;
      while (!done) {
        const started = Date.now();
        expect((await fetch(`${url}/health`)).status).to.equal(200);
        slowest = Math.max(slowest, Date.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect((await report).body.turns).to.equal(5000);
      // Before: the 5,000 rows were read whole (SELECT *) in one synchronous call, and /health waited for it.
      expect(slowest, 'the longest /health waited (ms)').to.be.below(1000);
    } finally {
      await service?.close();
      service = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
