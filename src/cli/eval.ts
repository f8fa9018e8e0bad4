/**
 * `npm run eval -- questions.jsonl`: asks a running service a question set
 * and prints hit@1, hit@5, MRR@10, direct-answer coverage and precision,
 * what it did with out-of-scope questions, and latency. See `eval --help`.
 */
import { ServiceUnreachable } from './client/chat-call.js';
import { EVAL_USAGE, parseEvalArgs, UsageError, type EvalOptions } from './eval/eval-args.js';
import { QuestionFileError } from './eval/eval-question.js';
import { evaluateQuestions } from './eval/evaluate.js';
import { ProgressReporter } from './eval/progress.js';
import { readQuestionFile } from './eval/question-file.js';
import { openReport, type ReportFile } from './eval/report-csv.js';
import { summaryText } from './eval/summary-text.js';

const fail = (message: string) => process.stderr.write(`eval: ${message}\n`);

async function main(): Promise<number> {
  let options: EvalOptions | undefined;
  try {
    options = parseEvalArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    fail(`${error.message}\n\n${EVAL_USAGE}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${EVAL_USAGE}\n`);
    return 0;
  }
  let report: ReportFile | undefined;
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort(new Error('interrupted')));
  try {
    const questions = await readQuestionFile(options.file);
    try {
      report = options.report === undefined ? undefined : await openReport(options.report);
    } catch (error) {
      fail(`cannot write the report ${options.report}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      return 2;
    }
    const progress = new ProgressReporter(process.stderr, 'eval');
    const { results, summary } = await evaluateQuestions(questions.slice(0, options.limit), {
      ...options,
      signal: interrupt.signal,
      onProgress: (done, total) => progress.update(done, total),
    });
    process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : `${summaryText(summary)}\n`);
    if (report) {
      await report.write(results);
      process.stderr.write(`eval: per-question report written to ${options.report}\n`);
    }
    return 0;
  } catch (error) {
    await report?.discard();
    if (error instanceof QuestionFileError) {
      fail(error.message);
      return 2;
    }
    if (error instanceof ServiceUnreachable) {
      fail(error.message);
      return 1;
    }
    if (interrupt.signal.aborted) {
      fail('interrupted; nothing was measured');
      return 130;
    }
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    fail(`unexpected failure: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
