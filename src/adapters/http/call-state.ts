import type { TurnOutcome } from '../../domain/turn-event.js';

/** What the middlewares of one call note down for its log line. */
export interface CallState {
  traceId: string;
  startedAt: number;
  /** When the first SSE frame (or the sync reply) was ready. */
  firstFrameAt?: number;
  /** `answered`, `not_answered`, a failure kind or `caller_hung_up`. */
  outcome?: string;
  /** How the turn ended, when it ran (for metrics). */
  turn?: TurnOutcome;
  /** An unexpected error, logged with the call's line. */
  failure?: unknown;
}
