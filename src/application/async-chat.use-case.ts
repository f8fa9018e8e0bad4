import type { ChatTurn } from '../domain/chat-turn.js';
import { messageOf } from './conversation-memory.js';
import type { LoggerPort } from './ports/logger.port.js';
import type { ReplyPusher } from './ports/reply-pusher.port.js';
import type { SyncChatUseCase } from './sync-chat.use-case.js';

/** How an accepted turn is run. */
export interface AsyncTurnOptions {
  /**
   * Ends the turn early when it aborts with a `TurnFailure` (the service
   * shutting down): the turn then ends with that failure, and that reply is
   * what gets pushed. Nobody can hang up on an async turn.
   */
  readonly signal?: AbortSignal;
  /** Called once when the answer is ready (before it is pushed), e.g. to free a concurrency slot. */
  readonly answered?: () => void;
}

/**
 * `POST /chat/async`: accepts a turn at once and delivers its answer later
 * through the `ReplyPusher`. The turn runs exactly as a sync turn does (same
 * deadline, memory and idempotency — a repeated `msg_id` is replayed and
 * pushed again, not answered again).
 */
export class AsyncChatUseCase {
  private readonly pending = new Set<Promise<void>>();
  private readonly neverHangsUp = new AbortController().signal;

  constructor(
    private readonly sync: SyncChatUseCase,
    private readonly pusher: ReplyPusher,
    private readonly log: LoggerPort,
  ) {}

  /** Starts answering `turn` and returns at once; the answer is pushed when ready. */
  accept(turn: ChatTurn, options: AsyncTurnOptions = {}): void {
    const work: Promise<void> = this.answerAndPush(turn, options).finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  /** Turns accepted and not yet delivered (or given up). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Resolves once every accepted turn was answered and pushed or given up: for a graceful stop. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private async answerAndPush(turn: ChatTurn, options: AsyncTurnOptions): Promise<void> {
    try {
      let answer;
      try {
        answer = await this.sync.execute(turn, options.signal ?? this.neverHangsUp);
      } finally {
        options.answered?.();
      }
      await this.pusher.push(turn, answer);
    } catch (error) {
      // The use case ends every turn with an outcome, and the pusher does not reject: a last line of defence.
      this.log.error('async turn failed unexpectedly', { traceId: turn.traceId, error: messageOf(error) });
    }
  }
}
