/** A recalled document or FAQ entry as a turn record keeps it (no passage text: the index has it). */
export interface RecordedDoc {
  readonly docId: string;
  readonly title: string;
  readonly url: string;
  readonly score: number;
  readonly kind: 'passage' | 'faq';
  /** For an FAQ entry: which of its questions matched best. */
  readonly matchedQuestion?: string;
  /** Which retrieval found it (`lexical`, `vector`, `both`, `+reranked`; see `retrievalPath`), when the knowledge base says. */
  readonly foundBy?: string;
}

/**
 * One finished turn, as operators later read it: what was asked, what the
 * bot answered and why, what it had to go on, and how long it took.
 */
export interface TurnRecord {
  /** When the call arrived (ms since epoch). */
  readonly at: number;
  readonly traceId: string;
  readonly msgId?: string;
  readonly sessionId?: string;
  /** Who asked, as received; the writer stores it hashed, plain or not at all (`RECORD_USER`). */
  readonly user: string;
  readonly businessKeys: readonly string[];
  readonly question: string;
  /** The question retrieval searched for (a follow-up made standalone), else the question. */
  readonly standaloneQuestion: string;
  /** The answer, cut to `RECORD_ANSWER_CHARS`. */
  readonly answer: string;
  /** Whether `answer` was cut. */
  readonly answerTruncated: boolean;
  /** The protocol's `answer_success`. */
  readonly answered: boolean;
  /** `answered`, `not_answered`, a failure kind or `caller_hung_up`. */
  readonly outcome: string;
  /** Why the turn ended so (an `AnswerReason`, or `caller_hung_up`). */
  readonly reason: string;
  readonly docs: readonly RecordedDoc[];
  /** The document or entry the answer cites (the first recalled one, when it answered). */
  readonly citedDocId?: string;
  readonly firstFrameMs?: number;
  readonly durationMs: number;
  /** The language model provider that answered (`LLM_PROVIDER`). */
  readonly provider: string;
}

/** A user's thumbs up or down on one turn, named by its `msg_id` or its trace id. */
export interface FeedbackRecord {
  readonly at: number;
  /** `m:<msg_id>` or `t:<trace id>`: one rating per turn reference and user. */
  readonly turnRef: string;
  readonly user: string;
  readonly rating: 'up' | 'down';
  readonly comment?: string;
}

/** Reasons that count as "the bot could not help" in the unanswered report. */
export const UNANSWERED_REASONS: ReadonlySet<string> = new Set(['no_recall', 'model_declined']);
