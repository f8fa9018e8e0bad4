import { createHmac } from 'node:crypto';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type {
  RecordRange, StoredFeedback, StoredTurn, TurnRecordQueries, TurnRecorder,
} from '../../application/ports/turn-records.port.js';
import type { FeedbackRecord, TurnRecord } from '../../domain/turn-record.js';
import type { RecordStore } from './record-store.js';

export interface RecordWriterOptions {
  /** Records kept while the database is away; past this, new ones are dropped and counted. */
  readonly buffer: number;
  /** A batch is written when this many are queued, or `flushMs` after the first. */
  readonly batch: number;
  readonly flushMs: number;
  /** `hashed` (HMAC-SHA256 with the install's salt), `plain`, or `none`. */
  readonly user: 'hashed' | 'plain' | 'none';
  readonly retentionDays: number;
  /** Longest pause between attempts while the database fails. */
  readonly maxBackoffMs: number;
  /** Told of each dropped record (the metric). */
  readonly onDropped?: (count: number) => void;
}

const DAY_MS = 86_400_000;
/** Users whose hashed key is kept; past this the cache starts again. */
const USER_KEYS_CACHED = 10_000;

const hashedUser = (salt: string, user: string) => createHmac('sha256', salt).update(user, 'utf8').digest('hex').slice(0, 32);

/**
 * Queues turn records and writes them in batches off the turn's path. A
 * database that is down or slow costs at most `buffer` records (counted and
 * logged); the queue is retried with a growing pause and catches up when it
 * returns. Nothing here ever throws into a turn.
 */
export class TurnRecordWriter implements TurnRecorder, TurnRecordQueries {
  private readonly queue: TurnRecord[] = [];
  private salt?: string;
  /** user → its hashed key under `salt` (`userKey`). */
  private readonly userKeys = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private pruner?: NodeJS.Timeout;
  /** The batch being written, if one is. */
  private writing?: Promise<boolean>;
  private failures = 0;
  private lastError?: string;
  private closed = false;
  dropped = 0;
  written = 0;

  constructor(
    private readonly store: RecordStore,
    private readonly options: RecordWriterOptions,
    private readonly log: LoggerPort,
  ) {}

  /** Opens the database in the background (a database down at start-up is retried like any outage). */
  start(): void {
    void this.ensureOpen().then(() => this.prune());
    this.pruner = setInterval(() => void this.prune(), DAY_MS).unref();
  }

  record(turn: TurnRecord): void {
    if (this.closed) return;
    if (this.queue.length >= this.options.buffer) {
      this.dropped += 1;
      this.options.onDropped?.(1);
      // One line per hundred, so an outage under load does not flood the log.
      if (this.dropped % 100 === 1) this.log.warn('turn record dropped: buffer full', { dropped: this.dropped, buffer: this.options.buffer, error: this.lastError });
      return;
    }
    this.queue.push(turn);
    if (this.queue.length < this.options.batch) this.schedule(this.options.flushMs);
    else if (this.queue.length === this.options.batch && this.failures === 0 && !this.writing) {
      // A full batch goes now, not when the first record's flushMs timer fires (a small buffer would
      // drop records on a healthy database meanwhile). While the database fails, the backoff stands.
      clearTimeout(this.timer);
      this.timer = undefined;
      this.schedule(0);
    }
  }

  /** For `/ready`: always ok (turns go on without the database); the detail says how recording fares. */
  async health(): Promise<{ ok: true; detail: string }> {
    const state = this.failures > 0 ? `failing (${this.lastError ?? 'unknown'})` : this.salt ? 'ok' : 'opening';
    return { ok: true, detail: `${this.store.kind} ${state}; queued ${this.queue.length}; dropped ${this.dropped}` };
  }

  /** How many records wait to be written. */
  get pending(): number {
    return this.queue.length;
  }

  async turns(range: RecordRange, limit: number): Promise<readonly StoredTurn[]> {
    await this.ensureOpen(true);
    return this.store.turns(range, limit);
  }

  async feedback(range: RecordRange, limit: number): Promise<readonly StoredFeedback[]> {
    await this.ensureOpen(true);
    return this.store.feedback(range, limit);
  }

  async saveFeedback(f: FeedbackRecord): Promise<void> {
    await this.ensureOpen(true);
    await this.store.upsertFeedback({ at: f.at, turnRef: f.turnRef, rating: f.rating, comment: f.comment, userKey: this.userKey(f.user, true) });
  }

  /** Writes what is queued (bounded by `waitMs`), stops the timers and closes the database. */
  async close(waitMs = 2000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.pruner);
    const until = Date.now() + waitMs;
    let bound: NodeJS.Timeout | undefined;
    const timeUp = new Promise<false>((resolve) => (bound = setTimeout(() => resolve(false), waitMs)));
    // A batch the timer started is waited for (it is in the queue until written), then the rest, all within `waitMs`.
    while (this.queue.length > 0 && Date.now() < until && (await Promise.race([this.flush(), timeUp]))) {
      // keep writing batches until the queue is empty or the time is up
    }
    clearTimeout(bound);
    if (this.queue.length > 0) this.log.warn('turn records not written at exit', { pending: this.queue.length });
    await this.store.close().catch(() => undefined);
  }

  /** Runs one batch now, or waits for the one being written; true when it was written. */
  async flush(): Promise<boolean> {
    if (this.writing) return await this.writing;
    if (this.queue.length === 0) return true;
    this.writing = this.writeBatch();
    try {
      return await this.writing;
    } finally {
      this.writing = undefined;
      if (this.queue.length > 0 && !this.closed) this.schedule(this.failures > 0 ? this.backoffMs() : this.queue.length >= this.options.batch ? 0 : this.options.flushMs);
    }
  }

  private async writeBatch(): Promise<boolean> {
    const batch = this.queue.slice(0, this.options.batch);
    try {
      await this.ensureOpen(true);
      await this.store.insertTurns(batch.map((t) => this.stored(t)));
      this.queue.splice(0, batch.length);
      this.written += batch.length;
      if (this.failures > 0) this.log.info('turn records: database back, catching up', { pending: this.queue.length, dropped: this.dropped });
      this.failures = 0;
      this.lastError = undefined;
      return true;
    } catch (error) {
      this.failures += 1;
      this.lastError = error instanceof Error ? error.message.slice(0, 200) : String(error);
      if (this.failures === 1) this.log.warn('turn records: database write failed, retrying', { error: this.lastError, pending: this.queue.length });
      return false;
    }
  }

  private schedule(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms).unref();
  }

  private backoffMs(): number {
    return Math.min(this.options.maxBackoffMs, this.options.flushMs * 2 ** Math.min(this.failures - 1, 16));
  }

  private async ensureOpen(rethrow = false): Promise<void> {
    if (this.salt) return;
    try {
      this.salt = await this.store.open();
    } catch (error) {
      this.lastError = error instanceof Error ? error.message.slice(0, 200) : String(error);
      if (rethrow) throw error;
      this.log.warn('turn records: database not reachable at start-up, retrying', { store: this.store.kind, error: this.lastError });
    }
  }

  private async prune(): Promise<void> {
    if (!this.salt) return;
    try {
      const removed = await this.store.prune(Date.now() - this.options.retentionDays * DAY_MS);
      if (removed > 0) this.log.info('turn records pruned', { removed, retentionDays: this.options.retentionDays });
    } catch (error) {
      this.log.warn('turn records: pruning failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Feedback needs a per-user key even with `RECORD_USER=none` (one rating per user): it then stays hashed. */
  private userKey(user: string, forFeedback = false): string {
    const mode = this.options.user === 'none' && forFeedback ? 'hashed' : this.options.user;
    if (mode === 'plain') return user;
    if (mode === 'none') return '';
    if (!this.salt) return hashedUser('', user);
    // An HMAC costs ~2.5 µs, once per record on the thread that answers calls; most turns come
    // from users seen a moment ago. The cache holds what the queue held anyway, and is bounded.
    let key = this.userKeys.get(user);
    if (key === undefined) {
      if (this.userKeys.size >= USER_KEYS_CACHED) this.userKeys.clear();
      key = hashedUser(this.salt, user);
      this.userKeys.set(user, key);
    }
    return key;
  }

  /** The stored form, built field by field (a rest-and-spread copy is slower in V8). */
  private stored(t: TurnRecord): StoredTurn {
    return {
      at: t.at, traceId: t.traceId, msgId: t.msgId, sessionId: t.sessionId, userKey: this.userKey(t.user), businessKeys: t.businessKeys,
      question: t.question, standaloneQuestion: t.standaloneQuestion, answer: t.answer, answerTruncated: t.answerTruncated,
      answered: t.answered, outcome: t.outcome, reason: t.reason, docs: t.docs, citedDocId: t.citedDocId, firstFrameMs: t.firstFrameMs,
      durationMs: t.durationMs, provider: t.provider,
    };
  }
}
