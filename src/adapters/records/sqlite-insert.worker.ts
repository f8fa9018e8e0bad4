/**
 * The SQLite turn-record writer's thread: its own connection to the records
 * file, inserting the batches the service posts, so better-sqlite3's
 * synchronous inserts (tens of µs a row) never run on the thread that answers
 * calls. Transactions of `INSERT_CHUNK` rows keep the write lock short, since
 * the service's own connection (feedback, pruning) waits for it.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { StoredTurn } from '../../application/ports/turn-records.port.js';
import { INSERT_TURN_SQL, turnRow } from './record-store.js';

const INSERT_CHUNK = 20;
const { file } = workerData as { file: string };
const db = new Database(file, { timeout: 5000 });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
const insert = db.prepare(INSERT_TURN_SQL);
const chunk = db.transaction((part: readonly StoredTurn[]) => part.forEach((r) => insert.run(...turnRow(r))));

parentPort!.on('message', ({ id, rows }: { id: number; rows: StoredTurn[] }) => {
  try {
    for (let at = 0; at < rows.length; at += INSERT_CHUNK) chunk(rows.slice(at, at + INSERT_CHUNK));
    parentPort!.postMessage({ id, threadId });
  } catch (error) {
    parentPort!.postMessage({ id, threadId, error: (error as Error).message });
  }
});
