import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DOC_A, FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { scored } from '../fakes/faq-entries.fake.js';
import { adminReportUntil } from '../support/records-client.js';
import { sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

type Groups = { groups: { question: string; count: number; wordings: string[]; last_asked: string; best: { docId: string } | null }[] };

/** This machine's first non-loopback IPv4 address: calls from it are not loopback calls. */
function outsideAddress(): string {
  const found = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal && a.family === 'IPv4');
  if (!found) throw new Error('this test needs a non-loopback IPv4 interface to call the service from');
  return found.address;
}

describe('the admin API', () => {
  let service: TestService | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'admin-'));
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });
  const start = (env: Record<string, string> = {}) =>
    startTestService(
      { RECORDS_DB: join(dir, 'r.sqlite'), ADMIN_FAQ_FILE: join(dir, 'kb', 'taught-faq.jsonl'), MOCK_LLM_DELAY_MS: '0', KB_MIN_SCORE: '0.5', ...env },
      { knowledgeBase: new FakeKnowledgeBase([scored(DOC_A, 0.3)]) },
    );
  const ask = (content: string, business = 'it') =>
    sendJson(service!.url, '/chat/sync', { body: { user: 'u', msg_type: 'text', content, business_keys: [business] } });

  it('when questions go unanswered, then they are grouped by wording with counts, the best candidate, and summary and CSV agree', async () => {
    service = await start();
    for (const q of ['打印机怎么连接无线网络？', '打印机怎么连接无线网络', '打印机如何连接无线网络？', '食堂几点开门？']) await ask(q);
    await ask('另一个业务的问题', 'hr');
    const report = await adminReportUntil<Groups>(service.url, '/admin/api/unanswered?business_key=it', (b) => b.groups.reduce((n, g) => n + g.count, 0) === 4);
    expect(report.groups).to.have.length(2);
    expect(report.groups[0]).to.include({ count: 3 });
    expect(report.groups[0]!.wordings).to.have.members(['打印机怎么连接无线网络？', '打印机怎么连接无线网络', '打印机如何连接无线网络？']);
    // Below KB_MIN_SCORE the turn keeps no documents: nothing to offer as the best candidate.
    expect(report.groups[0]!.best).to.equal(null);
    expect(report.groups[1]).to.include({ question: '食堂几点开门？', count: 1 });
    const summary = (await sendJson(service.url, '/admin/api/summary', { method: 'GET' })).body as { turns: number; reasons: Record<string, number>; by_day: { rate: number }[] };
    expect(summary.turns).to.equal(5);
    expect(summary.reasons).to.deep.equal({ no_recall: 5 });
    expect(summary.by_day).to.have.length(1);
    const csv = await fetch(`${service.url}/admin/api/unanswered?format=csv&business_key=it`);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).to.match(/^question,count,wordings,last_asked/);
    expect(lines).to.have.length(3);
    const future = (await sendJson(service.url, '/admin/api/summary?from=2999-01-01&to=2999-01-02', { method: 'GET' })).body;
    expect(future.turns).to.equal(0);
    const bad = await sendJson(service.url, '/admin/api/summary?from=yesterday', { method: 'GET' });
    expect(bad.status).to.equal(400);
    expect(String(bad.body.err_msg)).to.match(/from: not a date/);
  });

  it('when ADMIN_TOKEN is unset, then loopback callers may read but never write, and others may not read', async () => {
    service = await start({ HOST: '0.0.0.0' });
    expect((await sendJson(service.url, '/admin/api/summary', { method: 'GET' })).status).to.equal(200);
    const page = await fetch(`${service.url}/admin`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.match(/default-src 'none'; script-src 'sha256-/);
    const write = await sendJson(service.url, '/admin/api/faq', { body: { question: 'q', answer: 'a' } });
    expect(write.status).to.equal(401);
    expect(String(write.body.err_msg)).to.match(/set ADMIN_TOKEN/);
    const port = new URL(service.url).port;
    const outside = await sendJson(`http://${outsideAddress()}:${port}`, '/admin/api/summary', { method: 'GET' });
    expect(outside.status).to.equal(401);
    expect(String(outside.body.err_msg)).to.match(/only loopback/);
    // A header cannot make a remote caller local.
    const spoofed = await sendJson(`http://${outsideAddress()}:${port}`, '/admin', { method: 'GET', headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(spoofed.status).to.equal(401);
  });

  it('when ADMIN_TOKEN is set, then every admin call needs it, from anywhere; with it the FAQ file is written', async () => {
    service = await start({ HOST: '0.0.0.0', ADMIN_TOKEN: 'admin-secret' });
    const port = new URL(service.url).port;
    expect((await sendJson(service.url, '/admin/api/summary', { method: 'GET' })).status).to.equal(401);
    expect((await sendJson(service.url, '/admin/api/summary', { method: 'GET', headers: { authorization: 'Bearer wrong' } })).status).to.equal(401);
    const remote = await sendJson(`http://${outsideAddress()}:${port}`, '/admin/api/summary?token=admin-secret', { method: 'GET' });
    expect(remote.status).to.equal(200);
    expect(remote.body.writable).to.equal(true);
    const auth = { authorization: 'Bearer admin-secret' };
    const made = await sendJson(service.url, '/admin/api/faq', { body: { question: ' 食堂几点开门？ ', answer: '早上七点。', similar: ['食堂开门时间', '食堂几点开门？'] }, headers: auth });
    expect(made.status).to.equal(201);
    const id = String(made.body.id);
    const file = join(dir, 'kb', 'taught-faq.jsonl');
    const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).to.deep.equal([{ id, question: '食堂几点开门？', answer: '早上七点。', similar: ['食堂开门时间'] }]);
    const added = await sendJson(service.url, `/admin/api/faq/${id}/similar`, { body: { similar: ['餐厅几点营业'] }, headers: auth });
    expect(added.status).to.equal(200);
    expect(JSON.parse(readFileSync(file, 'utf8').trim())).to.include({ id }).and.have.deep.property('similar', ['食堂开门时间', '餐厅几点营业']);
    expect((await sendJson(service.url, '/admin/api/faq/nope/similar', { body: { similar: ['x'] }, headers: auth })).status).to.equal(404);
    for (const body of [{ question: '', answer: 'a' }, { question: 'q' }, { question: 'q', answer: 'x'.repeat(10_001) }, { question: 'q', answer: 'a', extra: 1 }, { question: 'q', answer: 'a', similar: 'x' }]) {
      const refused = await sendJson(service.url, '/admin/api/faq', { body, headers: auth });
      expect(refused.status, JSON.stringify(body).slice(0, 80)).to.equal(400);
    }
  });

  it('when the FAQ file ends without a newline, then an appended entry still starts on its own line', async () => {
    service = await start({ ADMIN_TOKEN: 'admin-secret' });
    const file = join(dir, 'faq.jsonl');
    writeFileSync(file, '{"id":"x","question":"旧问题","answer":"旧答案"}');
    await service.close();
    service = await start({ ADMIN_TOKEN: 'admin-secret', ADMIN_FAQ_FILE: file });
    await sendJson(service.url, '/admin/api/faq', { body: { question: '新问题', answer: '新答案' }, headers: { 'x-admin-token': 'admin-secret' } });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).question)).to.deep.equal(['旧问题', '新问题']);
  });

  it('when another instance holds the FAQ file\'s lock, then teaching fails with 503 naming the file, and nothing is written', async () => {
    const file = join(dir, 'faq-locked.jsonl');
    writeFileSync(file, '');
    mkdirSync(join(dir, '.faq-locked.jsonl.lock')); // fresh: held, not stale
    service = await start({ ADMIN_TOKEN: 'admin-secret', ADMIN_FAQ_FILE: file });
    const refused = await sendJson(service.url, '/admin/api/faq', { body: { question: '新问题', answer: '新答案' }, headers: { 'x-admin-token': 'admin-secret' } });
    expect(refused.status).to.equal(503);
    expect(String(refused.body.err_msg)).to.include(file).and.include('another process');
    expect(readFileSync(file, 'utf8')).to.equal('');
  });

  it('shows the record writer in /ready without failing it, and the dropped counter in /metrics', async () => {
    service = await start();
    const ready = await sendJson(service.url, '/ready', { method: 'GET' });
    expect(ready.status).to.equal(200);
    expect((ready.body.checks as Record<string, { detail: string }>).turn_records!.detail).to.match(/^sqlite (ok|opening); queued \d+; dropped 0$/);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).to.match(/yishiting_bot_turn_records_dropped_total 0/);
  });
});
