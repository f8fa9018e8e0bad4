import { summarizeResults, type EvalSummary } from './eval-metrics.js';
import type { EvalQuestion } from './eval-question.js';
import { readQuestionFile } from './question-file.js';
import type { QuestionResult } from './question-result.js';
import { runQuestions, type RunOptions } from './run-questions.js';

export interface Evaluation {
  readonly results: readonly QuestionResult[];
  readonly summary: EvalSummary;
}

/**
 * Reads a question file, asks the service every question (the first `limit`
 * when given) and measures the answers: the evaluator's whole job, for the
 * CLI and the benchmark alike. Throws `QuestionFileError` for a bad file and
 * `ServiceUnreachable` when the service could not be reached at all.
 */
export async function evaluateFile(file: string, options: RunOptions & { readonly limit?: number }): Promise<Evaluation> {
  const questions = await readQuestionFile(file);
  return evaluateQuestions(options.limit === undefined ? questions : questions.slice(0, options.limit), options);
}

/** Asks already-read questions and measures the answers. */
export async function evaluateQuestions(questions: readonly EvalQuestion[], options: RunOptions): Promise<Evaluation> {
  const results = await runQuestions(questions, options);
  return { results, summary: summarizeResults(results) };
}
