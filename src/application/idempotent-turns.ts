import type { ChatTurn } from '../domain/chat-turn.js';
import { EMPTY_RECALL } from '../domain/recall-result.js';
import type { TurnOutcome, TurnSink } from '../domain/turn-event.js';
import { CallerGone, DeadlineExceeded, TurnFailure } from '../domain/turn-failure.js';
import { digest, messageOf } from './conversation-memory.js';
import type { ConversationStore, FinishedTurn } from './ports/conversation-store.port.js';
import type { LoggerPort } from './ports/logger.port.js';

/** How repeated `msg_id`s are recognised (from `IDEMPOTENCY_TTL_S` and `CHAT_DEADLINE_MS`). */
export interface IdempotencyPolicy {
  /** A finished turn is replayed for repeats during this long; 0 switches idempotency off. */
  readonly ttlMs: number;
  /** A repeat waits for the first call at most this long (its own deadline). */
  readonly deadlineMs: number;
  /**
   * The store's "running" claim is a lease this long, renewed every third of it while the
   * turn runs: when its owner dies (kill -9) the claim lapses within a lease, and a retry
   * is answered afresh instead of waiting out its deadline.
   */
  readonly leaseMs: number;
  /** How often a repeat checks whether another instance finished the first call. */
  readonly pollMs: number;
}

/**
 * Yishiting and proxies retry: a turn whose `user` + `msg_id` was seen within
 * the TTL does not reach the LLM again. A finished first call is replayed
 * (its pieces and outcome, so the stream and the sync reply are the same);
 * a running one is waited for, bounded by the repeat's own deadline — in this
 * process by sharing the first call's result, across instances by polling
 * the store. A first call that failed or whose caller hung up is forgotten,
 * so its retry deserves, and gets, a fresh attempt.
 *
 * When the store is unavailable, repeats are still shared within the process.
 */
export class IdempotentTurns {
  private readonly inFlight = new Map<string, Promise<FinishedTurn | undefined>>();

  constructor(
    private readonly store: ConversationStore,
    private readonly policy: IdempotencyPolicy,
    private readonly log: LoggerPort,
  ) {}

  /** Whether `run` can short-cut this turn: it has a `msg_id` and idempotency is on. Otherwise call `answer()` directly. */
  covers(turn: ChatTurn): boolean {
    return Boolean(turn.msgId) && this.policy.ttlMs !== 0;
  }

  /** Hands `sink` the events of `answer()` — or of the first call with the same `msg_id`, replayed. */
  async run(turn: ChatTurn, callerSignal: AbortSignal, sink: TurnSink, answer: (sink: TurnSink) => Promise<void>): Promise<void> {
    if (!this.covers(turn)) return answer(sink);
    const key = turnKey(turn);
    // Waits (for a first call, the store, a poll) end at the caller's hang-up or this turn's
    // deadline. Each wait races those two itself, instead of a controller, a timer and an
    // `AbortSignal.any` per turn: most turns wait once, on a store that answers at once.
    const wait = untilDeadline(callerSignal, turn.receivedAt + this.policy.deadlineMs, this.policy.deadlineMs);
    let answering = false;
    try {
      for (;;) {
        const first = this.inFlight.get(key);
        if (first) {
          const finished = await wait(first);
          if (finished) return await this.replay(finished, turn.traceId, sink);
          continue; // the first call failed or was dropped: try afresh
        }
        let settle: (finished: FinishedTurn | undefined) => void = () => undefined;
        this.inFlight.set(key, new Promise((resolve) => (settle = resolve)));
        let finished: FinishedTurn | undefined;
        try {
          const found = await this.claim(key, wait, turn.traceId);
          if (typeof found === 'object') {
            settle((finished = found));
            return await this.replay(found, turn.traceId, sink);
          }
          answering = true;
          finished = await this.answerOnce(key, turn.traceId, sink, answer, found === 'claimed', settle);
          return;
        } finally {
          this.inFlight.delete(key);
          settle(finished);
        }
      }
    } catch (error) {
      if (answering) throw error; // the turn's own `end` already told the caller
      const reason = error instanceof Ended ? error.reason : callerSignal.aborted ? callerSignal.reason : error;
      if (!(reason instanceof TurnFailure)) throw reason instanceof CallerGone ? reason : new CallerGone();
      this.log.warn('turn failed', { traceId: turn.traceId, failure: reason.kind, error: `waiting for the first call of this msg_id: ${reason.message}` });
      await sink({ kind: 'end', outcome: { answered: false, failure: reason.kind, recall: EMPTY_RECALL } });
    }
  }

  /** `claimed`, a finished first call, or `unavailable` (go on without the store); waits while another instance runs it. */
  private async claim(key: string, wait: Wait, traceId: string): Promise<'claimed' | 'unavailable' | FinishedTurn> {
    for (let polls = 0; ; polls += 1) {
      let claim;
      try {
        claim = await wait(this.store.claimTurn(key, this.policy.leaseMs));
      } catch (error) {
        if (error instanceof Ended) throw error;
        this.log.debug('idempotency store unavailable; answering without it', { traceId, error: messageOf(error) });
        return 'unavailable';
      }
      if (claim.status !== 'running') return claim.status === 'claimed' ? 'claimed' : claim.turn;
      if (polls === 0) this.log.info('msg_id repeated while its first call runs elsewhere; waiting for it', { traceId });
      await pause(this.policy.pollMs, wait);
    }
  }

  private async answerOnce(
    key: string,
    traceId: string,
    sink: TurnSink,
    answer: (sink: TurnSink) => Promise<void>,
    useStore: boolean,
    settle: (finished: FinishedTurn) => void,
  ): Promise<FinishedTurn | undefined> {
    const pieces: string[] = [];
    let finished: FinishedTurn | undefined;
    const renewal = useStore ? this.renewWhileRunning(key, traceId) : undefined;
    try {
      // Synchronous for pieces, so the turn waits on this sink only when the caller's own sink lags.
      await answer((event) => {
        if (event.kind === 'piece') {
          pieces.push(event.text);
          return sink(event);
        }
        if (event.outcome.failure) return sink(event);
        const done: FinishedTurn = { pieces, outcome: forReplay(event.outcome) };
        finished = done;
        settle(done);
        if (!useStore) return sink(event);
        // Before the final event: a retry that arrives after the reply must find the record.
        return this.store
          .finishTurn(key, done, this.policy.ttlMs)
          .catch((error: unknown) => this.log.debug('answer not recorded for repeats', { traceId, error: messageOf(error) }))
          .then(() => sink(event));
      });
    } finally {
      clearInterval(renewal);
      if (!finished && useStore) {
        this.store.releaseTurn(key).catch((error: unknown) => this.log.debug('claim not released', { traceId, error: messageOf(error) }));
      }
    }
    return finished;
  }

  private renewWhileRunning(key: string, traceId: string): NodeJS.Timeout {
    const timer = setInterval(() => {
      this.store
        .renewTurn(key, this.policy.leaseMs)
        .catch((error: unknown) => this.log.debug('claim not renewed', { traceId, error: messageOf(error) }));
    }, Math.max(1, Math.floor(this.policy.leaseMs / 3)));
    timer.unref();
    return timer;
  }

  private async replay(finished: FinishedTurn, traceId: string, sink: TurnSink): Promise<void> {
    this.log.info('msg_id repeated; replaying the answer of its first call', { traceId, pieces: finished.pieces.length });
    for (const text of finished.pieces) await sink({ kind: 'piece', text });
    await sink({ kind: 'end', outcome: finished.outcome });
  }
}

/** The idempotency key of a turn: its `user` and `msg_id`, so two users' ids never collide. */
export function turnKey(turn: ChatTurn): string {
  return `t:${digest([turn.user, turn.msgId ?? ''])}`;
}

/** Replays need what the reply shows, not the passages the prompt was built from. */
function forReplay(outcome: TurnOutcome): TurnOutcome {
  return { ...outcome, recall: { ...outcome.recall, docs: outcome.recall.docs.map((d) => ({ ...d, content: '' })) } };
}

function pause(ms: number, wait: Wait): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return wait(new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))).finally(() => clearTimeout(timer));
}

/** Settles like `work`, or rejects with an `Ended` at the hang-up or the deadline, whichever comes first. */
type Wait = <T>(work: Promise<T>) => Promise<T>;

/** Why a wait ended early, so `claim` can tell it from the store's own failure. */
class Ended {
  constructor(readonly reason: unknown) {}
}

/**
 * A `Wait` bounded by `signal` and by `deadlineAt` (epoch ms; `deadlineMs` names it in the
 * failure); one that ends early rejects with an `Ended` carrying the reason. One listener and
 * one timer while it waits, none after.
 */
function untilDeadline(signal: AbortSignal, deadlineAt: number, deadlineMs: number): Wait {
  return <T>(work: Promise<T>): Promise<T> => {
    if (signal.aborted) return abandon(work, signal.reason);
    const left = deadlineAt - Date.now();
    if (left <= 0) return abandon(work, new DeadlineExceeded(deadlineMs));
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Ended(signal.reason));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        reject(new Ended(new DeadlineExceeded(deadlineMs)));
      }, left);
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      };
      work.then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  };
}

function abandon<T>(work: Promise<T>, reason: unknown): Promise<T> {
  work.catch(() => undefined); // nobody waits for it any more
  return Promise.reject(new Ended(reason));
}
