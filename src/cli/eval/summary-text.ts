import type { EvalSummary, Share } from './eval-metrics.js';

const ratio = (value: number | null) => (value === null ? 'n/a' : value.toFixed(4));
const shareText = (s: Share) => `${ratio(s.value)} (${s.count}/${s.of})`;
const ms = (value: number | null) => (value === null ? 'n/a' : String(Math.round(value)));
const counts = (byKey: Readonly<Record<string, number>>) =>
  Object.entries(byKey)
    .sort(([, a], [, b]) => b - a)
    .map(([key, n]) => `${key || '(none)'} ${n}`)
    .join(', ');

/** The run's figures as lines an operator reads in a terminal. */
export function summaryText(s: EvalSummary): string {
  const lines = [
    `questions     ${s.n} (${s.answerable} answerable, ${s.outOfScope.n} out of scope)`,
    `hit@1         ${shareText(s.hitAt1)}`,
    `hit@5         ${shareText(s.hitAt5)}`,
    `MRR@10        ${ratio(s.mrrAt10)}`,
    `direct answers: coverage ${shareText(s.direct.coverage)}, precision ${shareText(s.direct.precision)}`,
    `out of scope:  answer_success 1 ${shareText(s.outOfScope.answered)}, answered directly ${shareText(s.outOfScope.direct)}`,
    `failures      ${s.failures.count}${s.failures.count > 0 ? ` (${counts(s.failures.byKind)})` : ''}`,
    `reasons       ${counts(s.reasons) || '(none)'}`,
    `cited, found by ${counts(s.foundBy) || '(none answered)'}`,
    `latency ms    p50 ${ms(s.latencyMs.p50)} · p90 ${ms(s.latencyMs.p90)} · p99 ${ms(s.latencyMs.p99)} · max ${ms(s.latencyMs.max)}`,
  ];
  if (s.answerSuccessUnknown > 0) {
    lines.push(`note: ${s.answerSuccessUnknown} replies told neither answer_success nor X-Answer-Reason; out-of-scope answer_success is over the rest`);
  }
  if (s.n > 0 && s.failures.count === s.n) lines.push('note: every call failed; the figures above measure nothing (see the failures)');
  return lines.join('\n');
}
