import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import type { RecordStore } from '../../src/adapters/records/record-store.js';
import { TurnRecordWriter, type RecordWriterOptions } from '../../src/adapters/records/turn-record-writer.js';
import type { StoredFeedback, StoredTurn } from '../../src/application/ports/turn-records.port.js';
import type { TurnRecord } from '../../src/domain/turn-record.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';

/** A store that can be down (every call rejects) or slow (every call waits). */
class FlakyStore implements RecordStore {
  readonly kind = 'fake';
  readonly rows: StoredTurn[] = [];
  down = false;
  delayMs = 0;
  batches = 0;
  private async gate() {
    if (this.delayMs) await sleep(this.delayMs);
    if (this.down) throw new Error('connection refused');
  }
  async open() {
    await this.gate();
    return 'salt';
  }
  async insertTurns(rows: readonly StoredTurn[]) {
    await this.gate();
    this.batches += 1;
    for (const r of rows) if (!this.rows.some((x) => x.traceId === r.traceId)) this.rows.push(r);
  }
  async upsertFeedback(_f: StoredFeedback) {
    await this.gate();
  }
  async turns() {
    return this.rows;
  }
  async feedback() {
    return [];
  }
  async prune() {
    return 0;
  }
  async close() {}
}

const record = (i: number): TurnRecord => ({
  at: Date.now(), traceId: `t-${i}`, user: 'u', businessKeys: [], question: `q${i}`, standaloneQuestion: `q${i}`, answer: 'a',
  answerTruncated: false, answered: true, outcome: 'answered', reason: 'answered', docs: [], durationMs: 1, provider: 'mock',
});

const OPTIONS: RecordWriterOptions = { buffer: 50, batch: 10, flushMs: 20, user: 'hashed', retentionDays: 90, maxBackoffMs: 100 };

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(10);
  }
}

describe('turn record writer', () => {
  it('when records arrive, then record() returns at once and they are written in batches, the user hashed', async () => {
    const store = new FlakyStore();
    store.delayMs = 200;
    const writer = new TurnRecordWriter(store, OPTIONS, new CapturingLogger());
    writer.start();
    const began = performance.now();
    for (let i = 0; i < 25; i++) writer.record(record(i));
    expect(performance.now() - began).to.be.below(20);
    await until(() => store.rows.length === 25);
    expect(store.batches).to.be.at.most(4);
    expect(store.rows[0]!.userKey).to.match(/^[0-9a-f]{32}$/);
    await writer.close();
  });

  it('when many users record turns, then each stored key is the HMAC of that user under the salt, the same for a user seen again', async () => {
    const store = new FlakyStore();
    const writer = new TurnRecordWriter(store, { ...OPTIONS, buffer: 30_000, batch: 500, flushMs: 1 }, new CapturingLogger());
    writer.start();
    // More users than the key cache holds (10,000), then the first ones again.
    const users = Array.from({ length: 12_000 }, (_, i) => `user-${i}`);
    const asked = [...users, ...users.slice(0, 100)];
    asked.forEach((user, i) => writer.record({ ...record(i), user }));
    await until(() => store.rows.length === asked.length, 20_000);
    const hmac = (user: string) => createHmac('sha256', 'salt').update(user, 'utf8').digest('hex').slice(0, 32);
    store.rows.forEach((row, i) => expect(row.userKey, asked[i]).to.equal(hmac(asked[i]!)));
    await writer.close();
  });

  it('when the database is down and comes back, then the records buffered are caught up, the overflow counted, logged and shown in health', async () => {
    const store = new FlakyStore();
    const log = new CapturingLogger();
    const dropped: number[] = [];
    const writer = new TurnRecordWriter(store, { ...OPTIONS, onDropped: (n) => dropped.push(n) }, log);
    writer.start();
    writer.record(record(0));
    await until(() => store.rows.length === 1);
    store.down = true;
    for (let i = 1; i <= 60; i++) writer.record(record(i));
    await until(() => log.lines.some((l) => l.message.includes('database write failed')));
    expect(writer.dropped).to.equal(10);
    expect(dropped.reduce((a, b) => a + b, 0)).to.equal(10);
    expect(log.lines.some((l) => l.level === 'warn' && l.message.includes('dropped'))).to.equal(true);
    const health = await writer.health();
    expect(health.ok).to.equal(true);
    expect(health.detail).to.match(/failing \(connection refused\).*dropped 10/);
    store.down = false;
    await until(() => store.rows.length === 51);
    expect(store.rows.map((r) => r.traceId)).to.include.members(['t-1', 't-50']).and.not.include('t-51');
    expect(log.lines.some((l) => l.message.includes('catching up'))).to.equal(true);
    expect((await writer.health()).detail).to.match(/^fake ok; queued 0; dropped 10$/);
    await writer.close();
  });

  it('when the database is down at start-up, then recording goes on and the records are written once it answers', async () => {
    const store = new FlakyStore();
    store.down = true;
    const writer = new TurnRecordWriter(store, OPTIONS, new CapturingLogger());
    writer.start();
    writer.record(record(1));
    await sleep(100);
    expect(store.rows).to.have.length(0);
    store.down = false;
    await until(() => store.rows.length === 1);
    await writer.close();
  });

  it('when a full batch is queued while the flush timer is still far off, then it is written at once, and a small buffer drops nothing on a healthy database', async () => {
    const store = new FlakyStore();
    const log = new CapturingLogger();
    const writer = new TurnRecordWriter(store, { ...OPTIONS, buffer: 30, batch: 10, flushMs: 60_000 }, log);
    writer.start();
    await sleep(10);
    // 100 records, 10 at a time: each full batch must go now, not when the first record's 60 s timer fires.
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 10; i++) writer.record(record(round * 10 + i));
      await until(() => store.rows.length === (round + 1) * 10, 1000);
    }
    expect(writer.dropped).to.equal(0);
    await writer.close();
  });

  it('when the service stops, then close() writes what is queued within its bound', async () => {
    const store = new FlakyStore();
    const writer = new TurnRecordWriter(store, { ...OPTIONS, flushMs: 60_000 }, new CapturingLogger());
    writer.start();
    await sleep(10);
    for (let i = 0; i < 5; i++) writer.record(record(i));
    await writer.close(1000);
    expect(store.rows).to.have.length(5);
  });

  it('when the service stops while a batch is being written, then close() waits for it and writes the rest, within its bound', async () => {
    const store = new FlakyStore();
    const log = new CapturingLogger();
    const writer = new TurnRecordWriter(store, { ...OPTIONS, buffer: 1000, flushMs: 60_000 }, log);
    writer.start();
    await sleep(10);
    store.delayMs = 100;
    for (let i = 0; i < 35; i++) writer.record(record(i));
    // A batch is on its way (as the timer starts one; a slow database), 25 more wait behind it.
    void writer.flush();
    await sleep(20);
    const began = Date.now();
    await writer.close(2000);
    expect(store.rows.map((r) => r.traceId)).to.deep.equal(Array.from({ length: 35 }, (_, i) => `t-${i}`));
    expect(log.lines.filter((l) => l.message === 'turn records not written at exit')).to.deep.equal([]);
    expect(Date.now() - began).to.be.below(2000);

    // A database slower than the bound: close() gives up at the bound, saying how many were left.
    const stuck = new FlakyStore();
    const stuckLog = new CapturingLogger();
    const late = new TurnRecordWriter(stuck, { ...OPTIONS, flushMs: 60_000 }, stuckLog);
    late.start();
    await sleep(10);
    stuck.delayMs = 5000;
    for (let i = 0; i < 10; i++) late.record(record(i));
    void late.flush();
    await sleep(20);
    const started = Date.now();
    await late.close(300);
    expect(Date.now() - started).to.be.within(250, 1000);
    expect(stuckLog.lines.filter((l) => l.message === 'turn records not written at exit').map((l) => l.fields.pending)).to.deep.equal([10]);
  });
});
