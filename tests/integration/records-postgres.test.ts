import { expect } from 'chai';
import pg from 'pg';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres-server.js';
import { adminReportUntil } from '../support/records-client.js';
import { sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

type Groups = { groups: { question: string; count: number; wordings: string[] }[] };
const asked = (r: Groups, q: string) => r.groups.some((g) => g.wordings.includes(q));

describe('turn records in a real PostgreSQL', function () {
  this.timeout(60_000);
  let postgres: TestPostgres;
  const services: TestService[] = [];
  before(async () => {
    postgres = await startTestPostgres();
  });
  after(async () => {
    await postgres?.close();
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.close()));
  });
  const start = async (env: Record<string, string> = {}) => {
    const s = await startTestService(
      { RECORDS_DATABASE_URL: postgres.url, RECORDS_TIMEOUT_MS: '1000', MOCK_LLM_DELAY_MS: '0', KB_MIN_SCORE: '0.5', ...env },
      { knowledgeBase: new FakeKnowledgeBase([]) },
    );
    services.push(s);
    return s;
  };
  const ask = (s: TestService, content: string) => sendJson(s.url, '/chat/sync', { body: { user: 'u', msg_type: 'text', content } });

  it('when two instances share it, then a question asked on one appears in the other\'s report, the schema migrated once and one salt', async () => {
    const [a, b] = await Promise.all([start(), start()]);
    await ask(a!, '共享数据库里的问题一');
    await ask(b!, '别的实例上的问题二');
    const report = await adminReportUntil<Groups>(b!.url, '/admin/api/unanswered', (r) => asked(r, '共享数据库里的问题一') && asked(r, '别的实例上的问题二'));
    expect(report.groups.length).to.be.at.least(2);
    const client = new pg.Client(postgres.url);
    await client.connect();
    try {
      expect((await client.query('SELECT version FROM schema_version ORDER BY version')).rows).to.deep.equal([{ version: 1 }, { version: 2 }]);
      expect((await client.query("SELECT indexname FROM pg_indexes WHERE tablename = 'turn_records' ORDER BY indexname")).rows.map((r) => r.indexname)).to.deep.equal(['turn_records_at', 'turn_records_pkey']);
      expect((await client.query("SELECT count(*)::int AS n FROM records_meta WHERE key = 'user_salt'")).rows[0].n).to.equal(1);
      const keys = (await client.query('SELECT DISTINCT user_key FROM turn_records')).rows;
      expect(keys, 'the same user hashed alike on both instances').to.have.length(1);
    } finally {
      await client.end();
    }
  });

  it('when the database goes down and comes back, then turns are answered meanwhile and their records are caught up', async () => {
    const s = await start();
    await ask(s, '宕机之前的问题');
    await adminReportUntil<Groups>(s.url, '/admin/api/unanswered', (r) => asked(r, '宕机之前的问题'));
    await postgres.stop();
    try {
      for (const q of ['宕机期间的问题甲', '宕机期间的问题乙']) {
        const began = Date.now();
        const reply = await ask(s, q);
        expect(reply.status).to.equal(200);
        expect(reply.body.code).to.equal(0);
        expect(Date.now() - began, 'a turn does not wait for the database').to.be.below(1000);
      }
      const ready = await sendJson(s.url, '/ready', { method: 'GET' });
      expect(ready.status).to.equal(200);
      const summary = await sendJson(s.url, '/admin/api/summary', { method: 'GET' });
      expect(summary.status, 'reports say the database is away').to.equal(503);
    } finally {
      await postgres.start();
    }
    const report = await adminReportUntil<Groups>(
      s.url,
      '/admin/api/unanswered',
      (r) => ['宕机之前的问题', '宕机期间的问题甲', '宕机期间的问题乙'].every((q) => asked(r, q)),
      { ms: 40_000 },
    );
    expect(report.groups.reduce((n, g) => n + g.count, 0)).to.be.at.least(5);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).to.match(/yishiting_bot_turn_records_dropped_total 0/);
  });

  it('when the buffer is smaller than an outage, then the loss is counted in the metric and /ready', async () => {
    const s = await start({ RECORD_BUFFER: '1' });
    await ask(s, '预热');
    await adminReportUntil<Groups>(s.url, '/admin/api/unanswered', (r) => asked(r, '预热'));
    await postgres.stop();
    try {
      for (const q of ['丢失一', '丢失二', '丢失三']) await ask(s, q);
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(metrics).to.match(/yishiting_bot_turn_records_dropped_total 2/);
      const ready = await sendJson(s.url, '/ready', { method: 'GET' });
      expect((ready.body.checks as Record<string, { detail: string }>).turn_records!.detail).to.match(/dropped 2/);
    } finally {
      await postgres.start();
    }
  });
});
