import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as yieldToTurns } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { RecordRange, StoredFeedback, StoredTurn } from '../../application/ports/turn-records.port.js';
import {
  FEEDBACK_SQL, MIGRATIONS, SALT_INSERT_SQL, SALT_SELECT_SQL, SCHEMA_VERSION_TABLE, TURNS_AT_SQL, TURNS_SQL, UPSERT_FEEDBACK_SQL,
  feedbackOfRow, inBusiness, turnOfRow, type RecordStore,
} from './record-store.js';
import { chunkInserter, INSERT_CHUNK, openSqlite } from './sqlite-connection.js';
import { SqliteInsertThread } from './sqlite-insert-thread.js';

/** Turn rows read per synchronous step of a report. */
const READ_PAGE = 500;

/** The embedded store: one SQLite file in WAL mode (readers never wait for the writer). */
export class SqliteRecordStore implements RecordStore {
  readonly kind = 'sqlite';
  private db?: Database.Database;
  private insertChunk?: (part: readonly StoredTurn[]) => void;
  private thread?: SqliteInsertThread;
  /** The thread that wrote the last batch (0: the service's own); for tests. */
  lastWriterThread: number | undefined;

  /** `writerThread: false` keeps inserts on this thread (tests of that path). */
  constructor(
    private readonly file: string,
    private readonly options: { readonly writerThread?: boolean } = {},
  ) {}

  async open(): Promise<string> {
    mkdirSync(dirname(this.file), { recursive: true });
    const db = openSqlite(this.file, 2000);
    this.db = db;
    db.exec(SCHEMA_VERSION_TABLE);
    db.transaction(() => {
      const done = new Set(db.prepare('SELECT version FROM schema_version').all().map((r) => (r as { version: number }).version));
      MIGRATIONS.forEach((sql, i) => {
        if (done.has(i + 1)) return;
        db.exec(sql);
        db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(i + 1, Date.now());
      });
      db.prepare(SALT_INSERT_SQL).run(randomBytes(32).toString('hex'));
    }).immediate();
    try {
      if (this.options.writerThread !== false) this.thread = SqliteInsertThread.start(this.file);
    } catch {
      this.thread = undefined; // no worker threads here: inserts run on this thread, in short transactions
    }
    return (db.prepare(SALT_SELECT_SQL).get() as { value: string }).value;
  }

  /**
   * better-sqlite3 is synchronous: an insert costs tens of µs a row (29% of a
   * sync call's CPU in the issue-17 profile), and a batch of 200 in one
   * transaction held the service's thread for 17–52 ms under load. So batches
   * go to the writer thread (`sqlite-insert.worker`). Without it (it could not
   * start or has died) they are written here in transactions of
   * `INSERT_CHUNK`, with the event loop let through between them. A batch cut
   * short by an error is safe to write again: a row already in is skipped
   * (ON CONFLICT DO NOTHING).
   */
  async insertTurns(rows: readonly StoredTurn[]): Promise<void> {
    if (this.thread?.alive) {
      this.lastWriterThread = await this.thread.insert(rows);
      return;
    }
    this.lastWriterThread = 0;
    const chunk = (this.insertChunk ??= chunkInserter(this.opened()));
    for (let at = 0; at < rows.length; at += INSERT_CHUNK) {
      if (at > 0) await yieldToTurns();
      chunk(rows.slice(at, at + INSERT_CHUNK));
    }
  }

  async upsertFeedback(f: StoredFeedback): Promise<void> {
    this.opened().prepare(UPSERT_FEEDBACK_SQL).run(f.turnRef, f.userKey, f.at, f.rating, f.comment ?? null);
  }

  /**
   * Read in pages of `READ_PAGE` rows, newest first, giving the event loop back between them: the
   * reads are synchronous, and 100,000 turns in one call held every chat call for many seconds.
   */
  async turns(range: RecordRange, limit: number): Promise<StoredTurn[]> {
    const db = this.opened();
    const page = db.prepare(TURNS_SQL);
    const sameMs = db.prepare(TURNS_AT_SQL);
    const turns: StoredTurn[] = [];
    let to = range.to;
    while (turns.length < limit) {
      const want = Math.min(READ_PAGE, limit - turns.length);
      const rows = page.all(range.from, to, want) as Record<string, unknown>[];
      if (rows.length < want) {
        turns.push(...rows.map(turnOfRow));
        break;
      }
      // The page may end inside a millisecond: take that millisecond whole, then go on below it.
      const last = Number(rows[rows.length - 1]!.at);
      const rest = sameMs.all(last) as Record<string, unknown>[];
      turns.push(...rows.filter((r) => Number(r.at) > last).map(turnOfRow), ...rest.map(turnOfRow));
      to = last;
      await yieldToTurns();
    }
    return inBusiness(turns.slice(0, limit), range.businessKey);
  }

  async feedback(range: RecordRange, limit: number): Promise<StoredFeedback[]> {
    const rows = this.opened().prepare(FEEDBACK_SQL).all(range.from, range.to, limit) as Record<string, unknown>[];
    return rows.map(feedbackOfRow);
  }

  async prune(before: number): Promise<number> {
    const db = this.opened();
    db.prepare('DELETE FROM feedback WHERE at < ?').run(before);
    return db.prepare('DELETE FROM turn_records WHERE at < ?').run(before).changes;
  }

  async close(): Promise<void> {
    await this.thread?.close();
    this.thread = undefined;
    this.db?.close();
    this.db = undefined;
    this.insertChunk = undefined;
  }

  private opened(): Database.Database {
    if (!this.db) throw new Error('the records database is not open');
    return this.db;
  }
}
