import type { EvalSummary, Share } from '../../src/cli/eval/eval-metrics.js';

/** A bound a figure must meet, as issue 15 states it. */
export interface Target {
  readonly op: '≥' | '≤';
  readonly bound: number;
}

/** One figure of the table. */
export interface FigureRow {
  readonly metric: string;
  /** A share (shown with its count), a number, words, or `null` when there was nothing to measure. */
  readonly value: Share | number | string | null;
  /** How a number reads: a ratio to 4 places (the default), a count, or milliseconds. */
  readonly format?: 'ratio' | 'count' | 'ms';
  readonly target?: Target;
}

/** A shared data set the benchmark measures: which file is the knowledge, which the questions. */
export interface EvalSet {
  readonly name: string;
  /** Relative to the data folder; copied alone into a temporary KB_DIR. */
  readonly knowledge: string;
  readonly questions: string;
  /** The figures to print, with their targets. */
  rows(summary: EvalSummary): FigureRow[];
}

const common = (s: EvalSummary): FigureRow[] => [
  { metric: 'failed calls', value: s.failures.count, format: 'count' },
  { metric: 'latency p50', value: s.latencyMs.p50, format: 'ms' },
  { metric: 'latency p99', value: s.latencyMs.p99, format: 'ms' },
];

/** The two sets of issue 15, with its targets. */
export const EVAL_SETS: readonly EvalSet[] = [
  {
    name: 'faq-zh',
    knowledge: 'faq-zh/faq.jsonl',
    questions: 'faq-zh/queries.jsonl',
    rows: (s) => [
      { metric: 'hit@1', value: s.hitAt1, target: { op: '≥', bound: 0.2 } },
      { metric: 'hit@5', value: s.hitAt5, target: { op: '≥', bound: 0.45 } },
      { metric: 'MRR@10', value: s.mrrAt10 },
      { metric: 'direct-answer coverage', value: s.direct.coverage },
      { metric: 'direct-answer precision', value: s.direct.precision, target: { op: '≥', bound: 0.95 } },
      { metric: 'out of scope answered directly', value: s.outOfScope.direct, target: { op: '≤', bound: 0.02 } },
      { metric: 'out of scope with answer_success 1', value: s.outOfScope.answered },
      ...common(s),
    ],
  },
  {
    name: 'retrieval-zh',
    knowledge: 'retrieval-zh/docs.jsonl',
    questions: 'retrieval-zh/queries.jsonl',
    rows: (s) => [
      { metric: 'recall@1 (hit@1)', value: s.hitAt1, target: { op: '≥', bound: 0.97 } },
      { metric: 'recall@5 (hit@5)', value: s.hitAt5, target: { op: '≥', bound: 0.99 } },
      { metric: 'MRR@10', value: s.mrrAt10 },
      ...common(s),
    ],
  },
];
