import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteCallError } from './remote-call.js';

export interface RetryPolicy {
  /** Further attempts after the first. */
  readonly maxRetries: number;
  /** Wait before the first retry when the server did not say; doubled each time. */
  readonly baseDelayMs: number;
  /** No wait is longer than this, whatever `Retry-After` asks (a server saying "3600" must not stall indexing for an hour). */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 250, maxDelayMs: 30_000 };

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries are spent.
 * A 429's `Retry-After` is honoured (capped); other retryable faults back off
 * exponentially with jitter. The wait ends early on `signal`.
 */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, signal: AbortSignal, onRetry?: (error: RemoteCallError, waitMs: number) => void): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal.aborted || !(error instanceof RemoteCallError) || !error.retryable || tries >= policy.maxRetries) throw error;
      const backoff = policy.baseDelayMs * 2 ** tries * (0.75 + Math.random() * 0.5);
      const waitMs = Math.min(policy.maxDelayMs, error.retryAfterMs ?? backoff);
      onRetry?.(error, waitMs);
      await sleep(waitMs, undefined, { signal });
    }
  }
}
