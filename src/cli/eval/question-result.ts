import type { EvalQuestion } from './eval-question.js';

/** A recalled document as the reply ranked it. */
export interface RankedDoc {
  readonly id: string;
  /** The service's score, when the reply carries one. */
  readonly score?: number;
}

/** Why a call gave no usable answer: a short kind to count by, and the detail for the report. */
export interface CallFailure {
  /** e.g. `http_401`, `code_50001`, `timeout`, `unreachable`, `bad_reply`. */
  readonly kind: string;
  readonly detail: string;
  /** The error behind it, when one was thrown (kept for the caller, not reported). */
  readonly error?: Error;
}

/** What the service did with one question. */
export interface QuestionResult {
  readonly question: EvalQuestion;
  /** Recalled / cited documents, best first. */
  readonly docs: readonly RankedDoc[];
  /** The `X-Answer-Reason` header (`faq_direct`, `answered`, `no_recall`, …); `''` when the service sent none. */
  readonly reason: string;
  /** The `X-Answer-Found-By` header: which retrieval found the cited document (`lexical`, `vector`, `both`, `+reranked`); `''` when not sent. */
  readonly foundBy: string;
  /** The protocol's `answer_success`; `undefined` when the reply does not tell it (see `readAnswerSuccess`). */
  readonly answerSuccess: 0 | 1 | undefined;
  /** From sending the request to the end of the reply. */
  readonly latencyMs: number;
  /** The answer text (`msg_content`), or the apology of a failed turn. */
  readonly answer: string;
  readonly failure?: CallFailure;
}

/** The 1-based rank of the expected id among the docs; `undefined` when absent or not expected. */
export function rankOfExpected(result: QuestionResult): number | undefined {
  const { expected } = result.question;
  if (expected === null) return undefined;
  const index = result.docs.findIndex((d) => d.id === expected);
  return index < 0 ? undefined : index + 1;
}
