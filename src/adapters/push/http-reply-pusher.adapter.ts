import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { ReplyPusher } from '../../application/ports/reply-pusher.port.js';
import type { SyncAnswer } from '../../application/sync-chat.use-case.js';
import type { ChatTurn } from '../../domain/chat-turn.js';
import { syncReply } from '../http/protocol-encoder.js';

export interface HttpPushOptions {
  /** `ASYNC_PUSH_URL`. */
  readonly url: string;
  /** Attempts in all, the first included (`ASYNC_PUSH_ATTEMPTS`). */
  readonly attempts: number;
  /** Wait before the second attempt, doubled before each further one (`ASYNC_PUSH_BACKOFF_MS`). */
  readonly backoffMs: number;
  /** Upper bound on one attempt (`ASYNC_PUSH_TIMEOUT_MS`). */
  readonly timeoutMs: number;
}

/**
 * Pushes the answer of an async turn to `ASYNC_PUSH_URL`: the `/chat/sync`
 * reply body plus `msg_id`, `session_id` and `user`, so the receiver can match
 * it to the question. A network error, a timeout, 408, 429 or a 5xx is retried
 * with exponential backoff up to `attempts`; any other status is final.
 */
export class HttpReplyPusher implements ReplyPusher {
  constructor(
    private readonly options: HttpPushOptions,
    private readonly log: LoggerPort,
  ) {}

  async push(turn: ChatTurn, answer: SyncAnswer): Promise<void> {
    const body = JSON.stringify({
      ...syncReply(answer, turn.traceId),
      msg_id: turn.msgId ?? '',
      session_id: turn.sessionId ?? '',
      user: turn.user,
    });
    // The URL may carry a token in its query: log where it went, not the URL.
    const target = new URL(this.options.url).host;
    const { traceId } = turn;
    let problem = '';
    for (let attempt = 1; attempt <= this.options.attempts; attempt += 1) {
      const result = await this.attempt(body, turn.traceId);
      if (result.ok) {
        this.log.info('async answer delivered', { traceId, target, attempt });
        return;
      }
      problem = result.problem;
      if (!result.retry || attempt === this.options.attempts) break;
      const delayMs = this.options.backoffMs * 2 ** (attempt - 1);
      this.log.warn('async answer not delivered; retrying', { traceId, target, attempt, error: problem, delayMs });
      await sleep(delayMs);
    }
    this.log.error('async answer could not be delivered; giving up', {
      traceId,
      target,
      attempts: this.options.attempts,
      error: problem,
    });
  }

  private async attempt(body: string, traceId: string): Promise<{ ok: boolean; retry: boolean; problem: string }> {
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'x-trace-id': traceId },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.body?.cancel(); // only the status matters; free the socket
      if (res.ok) return { ok: true, retry: false, problem: '' };
      const retry = res.status >= 500 || res.status === 408 || res.status === 429;
      return { ok: false, retry, problem: `HTTP ${res.status}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { ok: false, retry: true, problem: cause ?? (error instanceof Error ? error.message : String(error)) };
    }
  }
}
