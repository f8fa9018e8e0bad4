import { rankOfExpected, type QuestionResult } from './question-result.js';

/** A share of a whole: `value` is `count / of`, `null` when there is nothing to divide by. */
export interface Share {
  readonly count: number;
  readonly of: number;
  readonly value: number | null;
}

/** What a run measured. Ratios over an empty set are `null`, never 0 or NaN. */
export interface EvalSummary {
  /** Questions asked. */
  readonly n: number;
  /** Questions with an expected id; hit@k, MRR and coverage are over these, failed calls counted as misses. */
  readonly answerable: number;
  readonly hitAt1: Share;
  readonly hitAt5: Share;
  readonly mrrAt10: number | null;
  readonly direct: {
    /** Answerable questions answered with `X-Answer-Reason: faq_direct`. */
    readonly coverage: Share;
    /** Of those direct answers, how many cite the expected id first. */
    readonly precision: Share;
  };
  /** Questions expected not to be answered (`null` id). */
  readonly outOfScope: {
    readonly n: number;
    /** Answered anyway (`answer_success: 1`), over the rows whose answer_success is known. */
    readonly answered: Share;
    /** Answered directly from an FAQ entry. */
    readonly direct: Share;
  };
  /** Calls with no usable answer (HTTP error, non-zero `code`, timeout…), by kind. */
  readonly failures: { readonly count: number; readonly byKind: Readonly<Record<string, number>> };
  /** How many turns ended for each `X-Answer-Reason` ('' when the service sent none). */
  readonly reasons: Readonly<Record<string, number>>;
  /** Answered turns by which retrieval found the cited document (`X-Answer-Found-By`; '' when the service sent none). */
  readonly foundBy: Readonly<Record<string, number>>;
  /** Rows whose answer_success the service did not tell (no field, no reason header). */
  readonly answerSuccessUnknown: number;
  /** Per call, ms, over the calls that reached the service (timeouts included); `null` when none did. */
  readonly latencyMs: { readonly p50: number | null; readonly p90: number | null; readonly p99: number | null; readonly max: number | null };
}

const share = (count: number, of: number): Share => ({ count, of, value: of === 0 ? null : count / of });

/** Computes every figure of a run from its per-question results. */
export function summarizeResults(results: readonly QuestionResult[]): EvalSummary {
  const answerable = results.filter((r) => r.question.expected !== null);
  const outOfScope = results.filter((r) => r.question.expected === null);
  // A failed call is a miss even when its error reply listed documents: it did not answer.
  const ranks = answerable.map((r) => (r.failure ? undefined : rankOfExpected(r)));
  const within = (k: number) => ranks.filter((r) => r !== undefined && r <= k).length;
  const reciprocal = ranks.reduce<number>((sum, r) => sum + (r !== undefined && r <= 10 ? 1 / r : 0), 0);
  const directAnswers = answerable.filter(isDirect);
  const known = outOfScope.filter((r) => r.answerSuccess !== undefined);
  const failed = results.filter((r) => r.failure);
  // A timeout counts at the time it was given up: leaving it out would hide the slow tail.
  const latencies = results
    .filter((r) => r.failure?.kind !== 'unreachable')
    .map((r) => r.latencyMs)
    .sort((a, b) => a - b);
  return {
    n: results.length,
    answerable: answerable.length,
    hitAt1: share(within(1), answerable.length),
    hitAt5: share(within(5), answerable.length),
    mrrAt10: answerable.length === 0 ? null : reciprocal / answerable.length,
    direct: {
      coverage: share(directAnswers.length, answerable.length),
      precision: share(directAnswers.filter((r) => r.docs[0]?.id === r.question.expected).length, directAnswers.length),
    },
    outOfScope: {
      n: outOfScope.length,
      answered: share(known.filter((r) => r.answerSuccess === 1).length, known.length),
      direct: share(outOfScope.filter(isDirect).length, outOfScope.length),
    },
    failures: { count: failed.length, byKind: countBy(failed, (r) => r.failure?.kind ?? '') },
    reasons: countBy(results, (r) => r.reason),
    foundBy: countBy(results.filter((r) => r.answerSuccess === 1), (r) => r.foundBy),
    answerSuccessUnknown: results.filter((r) => r.answerSuccess === undefined).length,
    latencyMs: {
      p50: percentile(latencies, 50),
      p90: percentile(latencies, 90),
      p99: percentile(latencies, 99),
      max: latencies.length === 0 ? null : (latencies[latencies.length - 1] as number),
    },
  };
}

/** A direct FAQ answer: the service said so, and the call did not fail. */
export const isDirect = (r: QuestionResult): boolean => r.reason === 'faq_direct' && !r.failure;

/** Nearest-rank percentile of a sorted list; `null` when it is empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
