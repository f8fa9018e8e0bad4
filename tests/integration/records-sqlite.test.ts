import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { INSERT_CHUNK } from '../../src/adapters/records/sqlite-connection.js';
import { SqliteRecordStore } from '../../src/adapters/records/sqlite-record.store.js';
import type { StoredTurn } from '../../src/application/ports/turn-records.port.js';
import { DOC_A, FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { FAQ_VPN, scored } from '../fakes/faq-entries.fake.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

/** Reads the service's records file until `n` turns are in it. */
async function turnsIn(file: string, n: number): Promise<StoredTurn[]> {
  const store = new SqliteRecordStore(file);
  await store.open();
  try {
    const until = Date.now() + 10_000;
    for (;;) {
      const turns = await store.turns({ from: 0, to: Date.now() + 1 }, 1000);
      if (turns.length >= n) return turns;
      if (Date.now() > until) throw new Error(`only ${turns.length} of ${n} turns recorded`);
      await sleep(100);
    }
  } finally {
    await store.close();
  }
}

describe('turn records in SQLite', () => {
  let service: TestService | undefined;
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'records-'));
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when turns end in each way, then each is recorded with its reason, the hashed user, the answer, the recall and timings', async () => {
    const file = join(dir, 'r.sqlite');
    const kb = new FakeKnowledgeBase([scored(DOC_A, 0.8)]);
    service = await startTestService({ RECORDS_DB: file, MOCK_LLM_DELAY_MS: '0', KB_MIN_SCORE: '0.5' }, { knowledgeBase: kb });
    const ask = (content: string, extra: object = {}) =>
      sendJson(service!.url, '/chat/sync', { body: { user: 'zhangsan', msg_type: 'text', content, session_id: 's-1', business_keys: ['it'], ...extra } });
    await ask('怎么配置回调地址？', { msg_id: 'm-answered' });
    await postSse(service.url, { user: 'lisi', msg_type: 'text', content: '流式的问题', msg_id: 'm-stream' });
    await ask('转人工');
    await ask('你好');
    await ask('[图片]', { msg_type: 'image' });
    const turns = await turnsIn(file, 5);
    const byQuestion = new Map(turns.map((t) => [t.question, t]));
    const answered = byQuestion.get('怎么配置回调地址？')!;
    expect(answered).to.include({ reason: 'answered', answered: true, outcome: 'answered', msgId: 'm-answered', sessionId: 's-1', provider: 'mock', citedDocId: 'doc-a' });
    expect(answered.standaloneQuestion).to.equal('怎么配置回调地址？');
    expect(answered.businessKeys).to.deep.equal(['it']);
    expect(answered.answer).to.not.equal('');
    expect(answered.docs).to.deep.equal([{ docId: 'doc-a', title: DOC_A.title, url: DOC_A.url, score: 0.8, kind: 'passage' }]);
    expect(answered.userKey).to.match(/^[0-9a-f]{32}$/).and.not.equal('zhangsan');
    expect(answered.durationMs).to.be.at.least(0);
    expect(answered.firstFrameMs).to.be.a('number');
    expect(byQuestion.get('流式的问题')).to.include({ reason: 'answered', msgId: 'm-stream' });
    expect(byQuestion.get('流式的问题')!.userKey).to.not.equal(answered.userKey);
    expect(byQuestion.get('转人工')).to.include({ reason: 'handoff_requested', answered: false });
    expect(byQuestion.get('你好')).to.include({ reason: 'small_talk' });
    expect(byQuestion.get('[图片]')).to.include({ reason: 'unsupported_msg_type' });
  });

  it('when nothing relevant is recalled, an FAQ entry answers directly, or retrieval fails, then the records say no_recall, faq_direct and the failure', async () => {
    const file = join(dir, 'r.sqlite');
    service = await startTestService({ RECORDS_DB: file, MOCK_LLM_DELAY_MS: '0', KB_MIN_SCORE: '0.5' }, { knowledgeBase: new FakeKnowledgeBase([scored(DOC_A, 0.2)]) });
    await sendJson(service.url, '/chat/sync', { body: { user: 'u', msg_type: 'text', content: '没人知道的问题' } });
    await service.close();
    service = await startTestService({ RECORDS_DB: file, MOCK_LLM_DELAY_MS: '0' }, { knowledgeBase: new FakeKnowledgeBase([{ ...FAQ_VPN, foundBy: 'vector', reranked: true }]) });
    await sendJson(service.url, '/chat/sync', { body: { user: 'u', msg_type: 'text', content: 'vpn 登不上去' } });
    await service.close();
    service = await startTestService({ RECORDS_DB: file, MOCK_LLM_DELAY_MS: '0' }, { knowledgeBase: new FakeKnowledgeBase([], { fail: new Error('down') }) });
    await sendJson(service.url, '/chat/sync', { body: { user: 'u', msg_type: 'text', content: '检索失败的问题' } });
    const turns = new Map((await turnsIn(file, 3)).map((t) => [t.question, t]));
    expect(turns.get('没人知道的问题')).to.include({ reason: 'no_recall', answered: false });
    expect(turns.get('vpn 登不上去')).to.include({ reason: 'faq_direct', answered: true, citedDocId: FAQ_VPN.docId });
    expect(turns.get('vpn 登不上去')!.docs[0]).to.include({ kind: 'faq', matchedQuestion: FAQ_VPN.matchedQuestion, foundBy: 'vector+reranked' });
    expect(turns.get('检索失败的问题')!.reason).to.not.equal('answered');
  });

  it('when a turn comes through /chat/async, then it is recorded like a sync turn', async () => {
    const file = join(dir, 'async.sqlite');
    const pushed: string[] = [];
    const replyPusher = { push: async (_turn: unknown, answer: { text: string }) => void pushed.push(answer.text) };
    service = await startTestService({ RECORDS_DB: file, MOCK_LLM_DELAY_MS: '0', ASYNC_PUSH_URL: 'http://127.0.0.1:9/push' }, { knowledgeBase: new FakeKnowledgeBase([FAQ_VPN]), replyPusher });
    const reply = await sendJson(service.url, '/chat/async', { body: { user: 'u', msg_type: 'text', content: 'vpn 登不上去', msg_id: 'async-rec-1' } });
    expect(reply.status).to.equal(200);
    const [turn] = await turnsIn(file, 1);
    expect(turn).to.include({ question: 'vpn 登不上去', msgId: 'async-rec-1', reason: 'faq_direct', answered: true });
    expect(pushed).to.have.length(1);
  });

  it('when RECORD_USER is plain or none, then the user is stored as sent or not at all; RECORD_ANSWER_CHARS cuts the answer', async () => {
    for (const [mode, expected] of [['plain', 'zhangsan'], ['none', '']] as const) {
      const file = join(dir, `${mode}.sqlite`);
      service = await startTestService({ RECORDS_DB: file, RECORD_USER: mode, RECORD_ANSWER_CHARS: '3', MOCK_LLM_DELAY_MS: '0' }, { knowledgeBase: new FakeKnowledgeBase() });
      await sendJson(service.url, '/chat/sync', { body: { user: 'zhangsan', msg_type: 'text', content: '怎么配置回调地址？' } });
      const [turn] = await turnsIn(file, 1);
      expect(turn!.userKey, mode).to.equal(expected);
      expect(turn!.answer.length, mode).to.equal(3);
      expect(turn!.answerTruncated, mode).to.equal(true);
      await service.close();
      service = undefined;
    }
  });

  it('when batches are written, then they are written on the writer thread, not the service\'s, and every row lands once', async () => {
    const file = join(dir, 'thread.sqlite');
    const store = new SqliteRecordStore(file);
    await store.open();
    const base = { msgId: undefined, sessionId: undefined, userKey: 'k', businessKeys: [], answer: 'a', answerTruncated: false, answered: true, outcome: 'answered', reason: 'answered', docs: [{ docId: 'd', title: 't', url: '', score: 0.5, kind: 'passage' as const }], durationMs: 1, provider: 'mock' };
    const rows = Array.from({ length: 250 }, (_, i) => ({ ...base, traceId: `w${i}`, at: Date.now() - i, question: `问题${i}`, standaloneQuestion: `问题${i}` }));
    await store.insertTurns(rows);
    expect(store.lastWriterThread).to.be.a('number').and.not.equal(0);
    await store.insertTurns(rows.slice(0, 10));
    const turns = await store.turns({ from: 0, to: Date.now() + 1 }, 1000);
    expect(turns).to.have.length(250);
    expect(turns.find((t) => t.traceId === 'w7')?.docs).to.deep.equal(base.docs);
    await store.close();
  });

  it('when a large batch is written, then it goes in small transactions with the event loop let through between them, and every row lands once', async () => {
    const store = new SqliteRecordStore(join(dir, 'chunks.sqlite'), { writerThread: false });
    await store.open();
    const base = { msgId: undefined, sessionId: undefined, userKey: 'k', businessKeys: [], answer: 'a', answerTruncated: false, answered: true, outcome: 'answered', reason: 'answered', docs: [], durationMs: 1, provider: 'mock' };
    const rows = Array.from({ length: 5 * INSERT_CHUNK }, (_, i) => ({ ...base, traceId: `t${i}`, at: Date.now() - i, question: `问题${i}`, standaloneQuestion: `问题${i}` }));
    const seenMeanwhile: number[] = [];
    const watch = setInterval(() => void store.turns({ from: 0, to: Date.now() + 1 }, 1000).then((t) => seenMeanwhile.push(t.length)), 0);
    const tick = new Promise<void>((resolve) => setImmediate(() => void store.turns({ from: 0, to: Date.now() + 1 }, 1000).then((t) => (seenMeanwhile.push(t.length), resolve()))));
    await store.insertTurns(rows);
    clearInterval(watch);
    await tick;
    // Another task ran while the batch was half written: the first chunk was in, the last not yet.
    expect(seenMeanwhile.some((n) => n >= INSERT_CHUNK && n < rows.length), String(seenMeanwhile)).to.equal(true);
    await store.insertTurns(rows.slice(0, 30)); // written again after a failure: no duplicates
    expect(await store.turns({ from: 0, to: Date.now() + 1 }, 1000)).to.have.length(rows.length);
    await store.close();
  });

  it('when records are older than RECORDS_RETENTION_DAYS, then start-up prunes them and keeps the rest', async () => {
    const file = join(dir, 'r.sqlite');
    const store = new SqliteRecordStore(file);
    await store.open();
    const old = Date.now() - 91 * 86_400_000;
    const base = { msgId: undefined, sessionId: undefined, userKey: 'k', businessKeys: [], answer: 'a', answerTruncated: false, answered: true, outcome: 'answered', reason: 'answered', docs: [], durationMs: 1, provider: 'mock' };
    await store.insertTurns([
      { ...base, traceId: 'old', at: old, question: '旧', standaloneQuestion: '旧' },
      { ...base, traceId: 'new', at: Date.now() - 86_400_000, question: '新', standaloneQuestion: '新' },
    ]);
    await store.upsertFeedback({ turnRef: 't:old', userKey: 'k', at: old, rating: 'down' });
    await store.close();
    service = await startTestService({ RECORDS_DB: file });
    const until = Date.now() + 5000;
    let left: StoredTurn[] = [];
    while (Date.now() < until) {
      const check = new SqliteRecordStore(file);
      await check.open();
      left = await check.turns({ from: 0, to: Date.now() + 1 }, 10);
      const feedback = await check.feedback({ from: 0, to: Date.now() + 1 }, 10);
      await check.close();
      if (left.length === 1 && feedback.length === 0) break;
      await sleep(50);
    }
    expect(left.map((t) => t.traceId)).to.deep.equal(['new']);
  });

  it('when the schema is migrated, then schema_version lists each migration once, also after a restart', async () => {
    const file = join(dir, 'r.sqlite');
    for (let i = 0; i < 2; i++) {
      const store = new SqliteRecordStore(file);
      const salt = await store.open();
      expect(salt).to.match(/^[0-9a-f]{64}$/);
      await store.close();
    }
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_version ORDER BY version').all()).to.deep.equal([{ version: 1 }, { version: 2 }]);
    // Migration 2 dropped the msg_id index nothing read; the time index the reports use stays.
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'turn_records' AND name NOT LIKE 'sqlite_%'").all();
    expect(indexes).to.deep.equal([{ name: 'turn_records_at' }]);
    expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    db.close();
    expect(readFileSync(file).length).to.be.greaterThan(0);
  });
});
