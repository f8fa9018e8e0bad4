import { randomUUID } from 'node:crypto';
import { ServiceUnreachable } from '../client/chat-call.js';
import { askQuestion, type AskTarget } from './ask-question.js';
import type { EvalQuestion } from './eval-question.js';
import type { QuestionResult } from './question-result.js';

export interface RunOptions extends AskTarget {
  /** Questions in flight at once. */
  readonly concurrency: number;
  /** Interrupts the run (Ctrl-C): calls in flight are cancelled and the run throws. */
  readonly signal?: AbortSignal;
  /** Told after each answered question. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Asks every question, `concurrency` at a time, and returns the results in
 * the file's order. Throws `ServiceUnreachable` when the service could not be
 * reached before any call got a reply (nothing to measure); once one has, a
 * later unreachable call is a counted failure (the service went away mid-run).
 */
export async function runQuestions(questions: readonly EvalQuestion[], options: RunOptions): Promise<QuestionResult[]> {
  // One controller, the caller's signal forwarded to it (no AbortSignal.any: see askQuestion).
  const run = new AbortController();
  const { signal } = run;
  const forward = () => run.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  options.signal?.addEventListener('abort', forward, { once: true });
  // One id per run and question: a rerun never meets an earlier run's msg_id in the service's idempotency store.
  const runId = randomUUID().slice(0, 8);
  const results: QuestionResult[] = new Array(questions.length);
  let next = 0;
  let done = 0;
  let replied = 0;
  let unreachable: ServiceUnreachable | undefined;
  const worker = async () => {
    while (next < questions.length && !signal.aborted) {
      const index = next++;
      const result = await askQuestion(questions[index] as EvalQuestion, `eval-${runId}-${index + 1}`, options, signal);
      if (result.failure?.kind === 'unreachable' && replied === 0) {
        const cause = result.failure.error;
        unreachable ??= cause instanceof ServiceUnreachable ? cause : new ServiceUnreachable(options.url, result.failure.detail);
        run.abort(unreachable);
        return;
      }
      if (result.failure?.kind !== 'unreachable') replied += 1;
      results[index] = result;
      done += 1;
      options.onProgress?.(done, questions.length);
    }
  };
  const workers = Array.from({ length: Math.min(options.concurrency, questions.length) }, worker);
  const settled = await Promise.allSettled(workers);
  options.signal?.removeEventListener('abort', forward);
  if (unreachable) throw unreachable;
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  if (signal.aborted) throw signal.reason;
  return results;
}
