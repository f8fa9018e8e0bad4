import type { ChatMessage } from '../../domain/chat-turn.js';
import type { RecalledDoc } from '../../domain/recall-result.js';

/** Everything a model needs to answer one turn; built by the application's prompt builder. */
export interface LlmPrompt {
  /** System prompt, grounding context, history and the question, in order. */
  readonly messages: readonly ChatMessage[];
  /** The user's question alone (for models that do not read `messages`, such as the mock). */
  readonly question: string;
  /** The recalled documents the context was built from (an extractive model answers from them). */
  readonly docs: readonly RecalledDoc[];
  /** The call's trace id, for the adapter's log lines about this answer. */
  readonly traceId?: string;
}

/** A follow-up question to make standalone, with the conversation it follows. */
export interface RewriteRequest {
  /** The earlier turns, oldest first, as user/assistant messages. */
  readonly history: readonly ChatMessage[];
  /** The new question, as the user asked it. */
  readonly question: string;
  readonly traceId?: string;
}

/**
 * A language model that streams an answer.
 *
 * Contract: yields pieces of the answer in order as they are produced; stops
 * promptly (rejecting with `signal.reason`, or ending) once `signal` aborts,
 * and releases its upstream request when the consumer stops early. A failure
 * is thrown as a `TurnFailure` of kind `llm_unavailable` where the adapter
 * can tell; anything else is treated the same way by the use case.
 */
export interface LlmPort {
  streamAnswer(prompt: LlmPrompt, signal: AbortSignal): AsyncIterable<string>;
  /**
   * Optional, for real models: `request.question` rewritten so that it can be
   * understood (and searched for) without the conversation — one short call.
   * Rejects with `signal.reason` once `signal` aborts; the use case bounds it
   * with its own timeout and falls back to a heuristic when it fails.
   */
  rewriteQuestion?(request: RewriteRequest, signal: AbortSignal): Promise<string>;
}

/**
 * What `streamAnswer`'s iterator may also offer when the whole answer is at
 * hand (the mock and extractive models): the next piece without a promise.
 * An awaited `next()` plus the use case's race cost a few promise hops per
 * piece, paid for every piece of every answer; the use case takes pieces this
 * way when the iterator has `nextReady`, and awaits `next()` otherwise.
 */
export interface ReadyPieces extends AsyncIterator<string> {
  /** The next piece, or the end; throws `signal.reason` once the answer's signal aborted, as `next()` rejects. */
  nextReady(): IteratorResult<string, undefined>;
}
