/**
 * The SQLite turn-record writer's thread: its own connection to the records
 * file, inserting the batches the service posts, so better-sqlite3's
 * synchronous inserts (tens of µs a row) never run on the thread that answers
 * calls. Transactions of `INSERT_CHUNK` rows keep the write lock short, since
 * the service's own connection (feedback, pruning) waits for it.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { unpackTurns, type PackedTurns } from './packed-turns.js';
import { chunkInserter, INSERT_CHUNK, openSqlite } from './sqlite-connection.js';

const { file } = workerData as { file: string };
const chunk = chunkInserter(openSqlite(file, 5000));

parentPort!.on('message', ({ id, packed }: { id: number; packed: PackedTurns }) => {
  try {
    const rows = unpackTurns(packed);
    for (let at = 0; at < rows.length; at += INSERT_CHUNK) chunk(rows.slice(at, at + INSERT_CHUNK));
    parentPort!.postMessage({ id, threadId });
  } catch (error) {
    parentPort!.postMessage({ id, threadId, error: (error as Error).message });
  }
});
