import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** What `eval` was told to do. */
export interface EvalOptions {
  readonly file: string;
  readonly url: string;
  readonly token?: string;
  readonly concurrency: number;
  readonly limit?: number;
  readonly report?: string;
  readonly timeoutMs: number;
  readonly businessKeys: string[];
  readonly json: boolean;
}

/** Questions in flight at most: the evaluator measures a service, it must not be a load test. */
export const MAX_CONCURRENCY = 64;
/** Longest wait allowed per call (Yishiting itself gives 60 s). */
export const MAX_TIMEOUT_MS = 600_000;

export const EVAL_USAGE = `usage: eval [options] <questions.jsonl | questions.csv>

Asks a running Yishiting bot service every question of a file over POST /chat/sync
and measures how well it finds the expected FAQ entry or document.

question file:
  .jsonl  one object per line: {"query": "...", "faq_id": "F12"} or {"query": "...", "doc_id": "d7"};
          null means "should not be answered" (out of scope); other fields are ignored
  .csv    a header with "query" and "faq_id" or "doc_id"; an empty id cell (or null) is out of scope

options:
  --url <base-url>        the service (default http://127.0.0.1:8080)
  --token <token>         sent as "Authorization: Bearer <token>" (the service's AUTH_TOKEN)
  --business-key <key>    business_keys entry of every question (repeatable)
  --concurrency <n>       questions in flight at once, 1..${MAX_CONCURRENCY} (default 4)
  --limit <n>             ask only the first n questions
  --timeout-ms <ms>       limit per call, up to ${MAX_TIMEOUT_MS} (default 60000, Yishiting's limit)
  --report <out.csv>      write one row per question (UTF-8 with BOM, opens in Excel)
  --json                  print the summary as JSON instead of text
  -h, --help              this text

exit status: 0 the run completed, 1 the service could not be reached at all, 2 bad usage or question file`;

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {}

/** Parses `eval`'s command line; `undefined` means help was asked for. */
export function parseEvalArgs(argv: string[]): EvalOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        token: { type: 'string' },
        'business-key': { type: 'string', multiple: true, default: [] },
        concurrency: { type: 'string', default: '4' },
        limit: { type: 'string' },
        'timeout-ms': { type: 'string', default: '60000' },
        report: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'no question file given, e.g. eval questions.jsonl' : `give one question file, got ${positionals.length}`);
  }
  if (!/^https?:\/\/[^\s]+$/.test(values.url)) throw new UsageError(`--url must be an http(s) URL, got "${values.url}"`);
  if (values.report === '') throw new UsageError('--report needs a file name');
  if (values.report !== undefined && resolve(values.report) === resolve(positionals[0] as string)) {
    throw new UsageError('--report must not be the question file: it would be overwritten');
  }
  if (values['business-key'].some((k) => k.trim() === '')) throw new UsageError('--business-key must not be empty');
  return {
    file: positionals[0] as string,
    url: values.url,
    token: values.token,
    concurrency: whole('--concurrency', values.concurrency, MAX_CONCURRENCY),
    limit: values.limit === undefined ? undefined : whole('--limit', values.limit, Number.MAX_SAFE_INTEGER),
    report: values.report,
    timeoutMs: whole('--timeout-ms', values['timeout-ms'], MAX_TIMEOUT_MS),
    businessKeys: values['business-key'],
    json: values.json,
  };
}

function whole(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a positive whole number' : `a whole number from 1 to ${max}`;
    throw new UsageError(`${name} must be ${range}, got "${text}"`);
  }
  return value;
}
