import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../support/start-worker.js';
import type { KbPassage } from '../ingest/blocks.js';
import type { FolderMeta } from '../ingest/folder-meta.js';
import type { FileContent } from '../ingest/ingest-file.js';
import { type ForwardTerms, type PackedForward, passageForward, unpackOne } from './forward-terms.js';
import { type LexicalArrays, LexicalIndex } from './lexical-index.js';

/** Passages per message to a thread: big enough to amortise the message, small enough to share a big file. */
const BATCH = 500;

/**
 * Tokenizes passages on worker threads. Tokenizing (ICU word segmentation
 * above all) is most of an index build, and on the main thread it would
 * delay every call the service answers meanwhile; here it runs on up to
 * `size` other cores. When a worker cannot be started (a stripped-down
 * runtime), the pool tokenizes in this thread instead, yielding between tasks.
 */
export class TokenizePool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: (() => void)[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replies differ by task; each caller knows its own
  private readonly pending = new Map<number, { resolve: (reply: any) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private broken = false;

  /**
   * @param fileTimeoutMs a file `ingest` has not finished reading by then is
   *   given up (`FileReadTimeout`): its thread is stopped and replaced, which
   *   is the only way to stop a parser stuck on a pathological file.
   */
  constructor(
    private readonly size = Math.max(1, Math.min(4, availableParallelism())),
    private readonly fileTimeoutMs = Number.POSITIVE_INFINITY,
  ) {}

  private spawn(): Worker {
    const worker = startWorker(import.meta.url, 'tokenize.worker');
    worker.unref();
    worker.on('message', (m: { id: number; error?: string }) => {
      if (!this.workers.includes(worker)) return; // given up on (a file timed out): not put back to work
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      this.release(worker);
      if (m.error === undefined) p?.resolve(m);
      else p?.reject(new Error(`tokenizer: ${m.error}`));
    });
    worker.on('error', (error) => this.fail(error));
    this.workers.push(worker);
    return worker;
  }

  /**
   * One file read, chunked and tokenized on a thread with the default
   * readers; undefined when no thread can take it (the caller does it here).
   * Rejects with `FileReadTimeout` when the file takes longer than the pool's file timeout.
   */
  async ingest(path: string, bytes: Buffer, meta: FolderMeta, passageChars: number): Promise<{ content: FileContent; forward: ForwardTerms[] } | undefined> {
    const worker = this.broken ? undefined : await this.acquire();
    if (!worker || this.broken) return undefined;
    const copy = new Uint8Array(bytes); // its own buffer, to move (a Buffer may share a pool)
    const id = this.nextId++;
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await new Promise<{ content: FileContent; packed: PackedForward }>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.postMessage({ id, ingest: { path, bytes: copy, meta, passageChars } }, [copy.buffer as ArrayBuffer]);
        if (Number.isFinite(this.fileTimeoutMs)) timer = setTimeout(() => this.giveUp(id, worker, path, reject), this.fileTimeoutMs);
      });
      return { content: reply.content, forward: reply.content.passages.map((_, i) => unpackOne(reply.packed, i)) };
    } catch (error) {
      if (error instanceof FileReadTimeout) throw error;
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A file took too long: its thread is stopped (nothing else stops a stuck parser) and a fresh one takes its place. */
  private giveUp(id: number, worker: Worker, path: string, reject: (e: Error) => void): void {
    if (!this.pending.delete(id)) return;
    this.workers.splice(this.workers.indexOf(worker), 1);
    void worker.terminate();
    reject(new FileReadTimeout(path, this.fileTimeoutMs));
    try {
      this.release(this.spawn());
    } catch {
      this.fail(new Error('tokenizer thread could not be replaced'));
    }
  }

  /** The passages' forward terms, in order (a large file is split across the threads). */
  async forward(passages: readonly KbPassage[]): Promise<ForwardTerms[]> {
    const batches: KbPassage[][] = [];
    for (let i = 0; i < passages.length; i += BATCH) batches.push(passages.slice(i, i + BATCH));
    return (await Promise.all(batches.map((b) => this.batch(b)))).flat();
  }

  private async batch(passages: readonly KbPassage[]): Promise<ForwardTerms[]> {
    const texts = passages.map((p) => p.text);
    const headings = passages.map((p) => p.headingPath.join(' '));
    const worker = this.broken ? undefined : await this.acquire();
    if (worker && !this.broken) {
      try {
        const id = this.nextId++;
        const { packed } = await new Promise<{ packed: PackedForward }>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.postMessage({ id, texts, headings });
        });
        return passages.map((_, i) => unpackOne(packed, i));
      } catch {
        // The thread died: this batch is tokenized here, like every later one.
      }
    }
    const out: ForwardTerms[] = [];
    for (const [i, t] of texts.entries()) {
      out.push(passageForward(t, headings[i] as string));
      if (i % 64 === 63) await new Promise((r) => setImmediate(r));
    }
    return out;
  }

  /**
   * The inverted index of `forward`, built on a thread; `forward` is handed
   * over (its buffers move there and back), so use the one returned.
   */
  async invert(forward: PackedForward): Promise<{ lexical: LexicalIndex; forward: PackedForward }> {
    const worker = this.broken ? undefined : await this.acquire();
    if (worker && !this.broken) {
      // Moved, not copied (tens of MB at 50,000 passages): the caller uses the forward terms that come back.
      const copy = forward;
      try {
        const id = this.nextId++;
        const reply = await new Promise<{ arrays: LexicalArrays; forward: PackedForward }>((resolve, reject) => {
          this.pending.set(id, { resolve, reject });
          worker.postMessage({ id, invert: copy }, [copy.offsets.buffer, copy.lengths.buffer, copy.hi.buffer, copy.lo.buffer, copy.tf.buffer] as ArrayBuffer[]);
        });
        return { lexical: new LexicalIndex(reply.arrays), forward: reply.forward };
      } catch {
        // The thread died (its buffers with it, if they had moved): inverted here, if they are still ours.
        if (forward.hi.byteLength === 0 && forward.lengths.length > 0) throw new Error('tokenizer thread died while inverting the index');
      }
    }
    return { lexical: LexicalIndex.build(forward), forward };
  }

  /** Stops the threads (tasks still running reject). */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.fail(new Error('tokenizer pool closed'));
  }

  private acquire(): Promise<Worker | undefined> {
    const worker = this.idle.pop();
    if (worker) return Promise.resolve(worker);
    // Threads start when there is work for them: a folder of one file starts one (each costs a start-up).
    if (this.workers.length < this.size) {
      try {
        return Promise.resolve(this.spawn());
      } catch {
        this.broken = true;
        return Promise.resolve(undefined);
      }
    }
    return new Promise((resolve) => this.waiting.push(() => resolve(this.idle.pop())));
  }

  private release(worker: Worker): void {
    this.idle.push(worker);
    this.waiting.shift()?.();
  }

  private fail(error: Error): void {
    this.broken = true;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    // Whoever waits for a worker now tokenizes in this thread.
    for (const w of this.waiting.splice(0)) w();
  }
}

/** A file whose reading on a thread did not finish in time (`TokenizePool`'s file timeout). */
export class FileReadTimeout extends Error {
  constructor(
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`reading took longer than ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}; skipped`);
    this.name = 'FileReadTimeout';
  }
}
