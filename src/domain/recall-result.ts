/** A document the knowledge base recalled for a turn. */
export interface RecalledDoc {
  readonly docId: string;
  readonly spaceId: string;
  readonly title: string;
  readonly url: string;
  /** Relevance, normalised to 0..1. */
  readonly score: number;
  /** The passage that matched, used as grounding context for the answer. */
  readonly content: string;
}

/** What the knowledge base found for a turn. */
export interface RecallResult {
  readonly docs: readonly RecalledDoc[];
  /**
   * False when retrieval itself failed and the turn goes on without documents;
   * true when it ran, even if it found nothing.
   */
  readonly ok: boolean;
}

export const EMPTY_RECALL: RecallResult = Object.freeze({ docs: Object.freeze([]), ok: true });
