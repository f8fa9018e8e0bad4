import type { AnswerReason } from './answer-reason.js';
import type { RecallResult } from './recall-result.js';
import type { TurnFailureKind } from './turn-failure.js';

/** How a turn ended. Exactly one per turn, always the last event. */
export interface TurnOutcome {
  /** The protocol's `answer_success`: the bot answered the question. */
  readonly answered: boolean;
  /** Set when the turn failed; the reply then carries an error (sync `code` != 0). */
  readonly failure?: TurnFailureKind;
  /** A finer cause of the failure (an adapter's fault kind such as `http_5xx`), when the adapter gave one. */
  readonly failureReason?: string;
  readonly recall: RecallResult;
  /** Why the turn ended as it did (for the log line, the answers metric and the turn record). */
  readonly reason?: AnswerReason;
  /** The question retrieval searched for, when it differs from the one asked (a follow-up made standalone). */
  readonly standaloneQuestion?: string;
}

/** What a turn produces, in order: pieces of the answer, then one end. */
export type TurnEvent =
  | { readonly kind: 'piece'; readonly text: string }
  | { readonly kind: 'end'; readonly outcome: TurnOutcome };

/**
 * Where a turn hands its events, in order. Returns a promise only when the
 * receiver lags (a slow reader): the turn then waits for it before going on.
 */
export type TurnSink = (event: TurnEvent) => void | Promise<void>;
