import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { RecordRange, StoredFeedback, StoredTurn } from '../../application/ports/turn-records.port.js';
import {
  FEEDBACK_SQL, INSERT_TURN_SQL, MIGRATIONS, SALT_INSERT_SQL, SALT_SELECT_SQL, SCHEMA_VERSION_TABLE, TURNS_SQL, UPSERT_FEEDBACK_SQL,
  feedbackOfRow, inBusiness, turnOfRow, turnRow, type RecordStore,
} from './record-store.js';

/** `?` placeholders (shared SQL) as PostgreSQL's `$n`. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/** Any number, so instances starting together run the migrations one at a time. */
const MIGRATION_LOCK = 716_051_016;

/** The shared store for several instances: PostgreSQL through `RECORDS_DATABASE_URL`. */
export class PostgresRecordStore implements RecordStore {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;

  constructor(url: string, timeoutMs: number) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its server emits here; without a listener the process would exit.
    this.pool.on('error', () => undefined);
  }

  async open(): Promise<string> {
    await this.inTransaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(SCHEMA_VERSION_TABLE);
      const done = new Set((await c.query('SELECT version FROM schema_version')).rows.map((r: { version: number }) => Number(r.version)));
      for (const [i, sql] of MIGRATIONS.entries()) {
        if (done.has(i + 1)) continue;
        await c.query(sql);
        await c.query('INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)', [i + 1, Date.now()]);
      }
      await c.query(numbered(SALT_INSERT_SQL), [randomBytes(32).toString('hex')]);
    });
    return String((await this.pool.query(SALT_SELECT_SQL)).rows[0].value);
  }

  async insertTurns(rows: readonly StoredTurn[]): Promise<void> {
    const sql = numbered(INSERT_TURN_SQL);
    await this.inTransaction(async (c) => {
      for (const r of rows) await c.query(sql, turnRow(r));
    });
  }

  async upsertFeedback(f: StoredFeedback): Promise<void> {
    await this.pool.query(numbered(UPSERT_FEEDBACK_SQL), [f.turnRef, f.userKey, f.at, f.rating, f.comment ?? null]);
  }

  async turns(range: RecordRange, limit: number): Promise<StoredTurn[]> {
    const { rows } = await this.pool.query(numbered(TURNS_SQL), [range.from, range.to, limit]);
    return inBusiness(rows.map(turnOfRow), range.businessKey);
  }

  async feedback(range: RecordRange, limit: number): Promise<StoredFeedback[]> {
    const { rows } = await this.pool.query(numbered(FEEDBACK_SQL), [range.from, range.to, limit]);
    return rows.map(feedbackOfRow);
  }

  async prune(before: number): Promise<number> {
    await this.pool.query('DELETE FROM feedback WHERE at < $1', [before]);
    return (await this.pool.query('DELETE FROM turn_records WHERE at < $1', [before])).rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async inTransaction(work: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      // A connection that could not even roll back is dropped, not handed to the next query.
      client.release(broken);
    }
  }
}
