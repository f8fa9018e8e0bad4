import Database from 'better-sqlite3';
import type { StoredTurn } from '../../application/ports/turn-records.port.js';
import { INSERT_TURN_SQL, turnRow } from './record-store.js';

/** Rows per write transaction: short enough that the other connection to the file (and the event loop) waits a few ms at most. */
export const INSERT_CHUNK = 20;

/** A connection to the records file, in WAL mode (readers never wait for the writer); `timeoutMs` is how long it waits for a lock. */
export function openSqlite(file: string, timeoutMs: number): Database.Database {
  const db = new Database(file, { timeout: timeoutMs });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** Inserts one chunk of turn rows (at most `INSERT_CHUNK`) in one transaction; a row already in is skipped. */
export function chunkInserter(db: Database.Database): (part: readonly StoredTurn[]) => void {
  const insert = db.prepare(INSERT_TURN_SQL);
  return db.transaction((part: readonly StoredTurn[]) => part.forEach((r) => insert.run(...turnRow(r))));
}
