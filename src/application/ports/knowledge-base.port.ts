import type { RecallResult } from '../../domain/recall-result.js';

/** What to search for. */
export interface RecallQuery {
  readonly text: string;
  /** Restrict recall to these spaces when the documents declare one (empty: all). */
  readonly businessKeys: readonly string[];
  /** The call's trace id, for the adapter's log lines about this query. */
  readonly traceId?: string;
}

/**
 * Finds the documents that ground an answer.
 *
 * Contract: resolves with the best documents first (scores 0..1); rejects with
 * `signal.reason` once `signal` aborts. An adapter that can degrade (a remote
 * retrieval API that is down) resolves `{ docs: [], ok: false }` instead of
 * failing the turn; a rejection is a `knowledge_base_unavailable` failure.
 */
export interface KnowledgeBasePort {
  recall(query: RecallQuery, signal: AbortSignal): Promise<RecallResult>;
}
