import type { ChatTurn } from '../domain/chat-turn.js';
import { messageOf } from './conversation-memory.js';
import type { LoggerPort } from './ports/logger.port.js';
import type { ReplyPusher } from './ports/reply-pusher.port.js';
import type { SyncChatUseCase } from './sync-chat.use-case.js';

/**
 * `POST /chat/async`: accepts a turn at once and delivers its answer later
 * through the `ReplyPusher`. The turn runs exactly as a sync turn does (same
 * deadline, memory and idempotency — a repeated `msg_id` is replayed and
 * pushed again, not answered again); nobody can hang up on it.
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
  accept(turn: ChatTurn): void {
    const work: Promise<void> = this.answerAndPush(turn).finally(() => this.pending.delete(work));
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

  private async answerAndPush(turn: ChatTurn): Promise<void> {
    try {
      const answer = await this.sync.execute(turn, this.neverHangsUp);
      await this.pusher.push(turn, answer);
    } catch (error) {
      // The use case ends every turn with an outcome, and the pusher does not reject: a last line of defence.
      this.log.error('async turn failed unexpectedly', { traceId: turn.traceId, error: messageOf(error) });
    }
  }
}
