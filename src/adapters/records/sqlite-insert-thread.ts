import type { Worker } from 'node:worker_threads';
import type { StoredTurn } from '../../application/ports/turn-records.port.js';
import { startWorker } from '../support/start-worker.js';
import { packTurns } from './packed-turns.js';

/** How long one batch may take on the writer thread before it counts as failed (the record writer retries it). */
const INSERT_TIMEOUT_MS = 15_000;

/**
 * The turn-record inserts on their own thread (`sqlite-insert.worker`). A
 * batch resolves when its rows are in; it rejects on an SQLite error, a
 * timeout, or the thread dying — after which `alive` is false and the store
 * writes on its own thread instead.
 */
export class SqliteInsertThread {
  private readonly pending = new Map<number, { resolve: (threadId: number) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private next = 0;
  alive = true;

  private constructor(private readonly worker: Worker) {
    worker.on('message', ({ id, threadId, error }: { id: number; threadId: number; error?: string }) => {
      const call = this.pending.get(id);
      if (!call) return;
      this.pending.delete(id);
      clearTimeout(call.timer);
      if (error === undefined) call.resolve(threadId);
      else call.reject(new Error(`records insert failed: ${error}`));
    });
    const die = (why: string) => {
      this.alive = false;
      for (const call of this.pending.values()) {
        clearTimeout(call.timer);
        call.reject(new Error(`records writer thread stopped: ${why}`));
      }
      this.pending.clear();
    };
    worker.on('error', (error) => die(error.message));
    worker.on('exit', (code) => die(`exit ${code}`));
    worker.unref(); // it must not keep a stopping service alive; close() ends it
  }

  /** Starts the thread on `file` (already migrated by the service's connection). */
  static start(file: string): SqliteInsertThread {
    return new SqliteInsertThread(startWorker(import.meta.url, 'sqlite-insert.worker', { workerData: { file } }));
  }

  /** Inserts `rows` (sent packed: `packTurns`); resolves with the writing thread's id. */
  insert(rows: readonly StoredTurn[]): Promise<number> {
    if (!this.alive) return Promise.reject(new Error('records writer thread stopped'));
    const packed = packTurns(rows);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`records insert took over ${INSERT_TIMEOUT_MS} ms`));
      }, INSERT_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, packed });
    });
  }

  async close(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }
}
