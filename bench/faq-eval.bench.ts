/**
 * Knowledge benchmark: for each shared set (faq-zh, retrieval-zh) builds a
 * temporary KB_DIR, KB_INDEX_DIR and DATA_DIR in the system's temp folder, the first from
 * the set's knowledge file (copied only there; both removed after), so
 * nothing derived from the data lands in the project; starts the service on it
 * as a child process, waits for `/ready`, and runs the evaluator (`npm run
 * eval`'s code) on the set's queries over HTTP. Prints one Markdown table of
 * the figures with issue 15's targets; per-question reports stay in a temp
 * folder whose path is printed.
 *
 *   npm run bench:eval [-- --data <folder>] [--concurrency 4] [--limit N] [--env KEY=VALUE …]
 *
 * The service runs with its defaults except KB_TOP_K=10 (so hit@5 and MRR@10
 * can be measured), the extractive model without typing delay (no network),
 * and what `--env` sets. It runs compiled (dist/, built first when stale) unless
 * BENCH_SOURCE=1 or BENCH_DIST=<folder>, like `npm run bench`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateFile } from '../src/cli/eval/evaluate.js';
import { ProgressReporter } from '../src/cli/eval/progress.js';
import { openReport } from '../src/cli/eval/report-csv.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { EVAL_SETS, type FigureRow } from './eval/eval-sets.js';
import { figureText, meetsTarget, renderTargetTable, targetText } from './eval/target-table.js';
import { writeRowsFile } from './rows-file.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY_TIMEOUT_MS = 300_000;

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(ROOT, '../shared/data') },
    concurrency: { type: 'string', default: '4' },
    limit: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const DATA = resolve(values.data);
const concurrency = Number(values.concurrency);
const limit = values.limit === undefined ? undefined : Number(values.limit);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) exit(`--concurrency must be 1..64, got ${values.concurrency}`);
if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) exit(`--limit must be a positive whole number, got ${values.limit}`);
const extraEnv = Object.fromEntries(
  values.env.map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) exit(`--env takes KEY=VALUE, got "${pair}"`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);
const missing = EVAL_SETS.flatMap((s) => [s.knowledge, s.questions]).map((f) => join(DATA, f)).filter((f) => !existsSync(f));
if (missing.length > 0) {
  exit(`the shared data is missing: ${missing.join(', ')}. Pass the folder that holds faq-zh/ and retrieval-zh/ with --data <folder> (default ../shared/data from the project root).`);
}

const ENV = { KB_PROVIDER: 'local', KB_TOP_K: '10', KB_WATCH_DEBOUNCE_MS: '0', LLM_PROVIDER: 'extractive', EXTRACTIVE_DELAY_MS: '0', LOG_LEVEL: 'warn', ...extraEnv };
const say = (line: string) => process.stderr.write(`[bench:eval] ${line}\n`);

if (!process.env.BENCH_SOURCE && !process.env.BENCH_DIST) {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-dist.mjs'), '--if-stale'], { stdio: 'inherit' });
}
const reports = await mkdtemp(join(tmpdir(), 'yishiting-eval-reports-'));
const tables: { name: string; rows: FigureRow[] }[] = [];
for (const set of EVAL_SETS) {
  // Everything the service writes from this data stays in the temp folder too: the knowledge
  // (KB_DIR), its persisted index (KB_INDEX_DIR, else ./data/kb-index) and its own files (DATA_DIR:
  // the turn records of every question).
  const scratch = await mkdtemp(join(tmpdir(), `yishiting-eval-${set.name}-`));
  const kbDir = join(scratch, 'kb');
  const dataDir = join(scratch, 'data');
  let service: ChildServer | undefined;
  try {
    await mkdir(kbDir);
    await mkdir(dataDir);
    await copyFile(join(DATA, set.knowledge), join(kbDir, basename(set.knowledge)));
    say(`${set.name}: starting the service on a temporary KB_DIR (${kbDir})`);
    const paths = { KB_DIR: kbDir, KB_INDEX_DIR: join(scratch, 'index'), DATA_DIR: dataDir };
    service = await startChildServer('service', { env: { ...ENV, ...paths } });
    const knowledge = await waitReady(service.url);
    say(`${set.name}: ${knowledge}`);
    const report = await openReport(join(reports, `${set.name}.csv`));
    const progress = new ProgressReporter(process.stderr, `[bench:eval] ${set.name}`);
    const { results, summary } = await evaluateFile(join(DATA, set.questions), {
      url: service.url,
      // The child inherits this environment: if it has AUTH_TOKEN, so must the calls.
      token: extraEnv.AUTH_TOKEN ?? process.env.AUTH_TOKEN,
      businessKeys: [],
      timeoutMs: 60_000,
      concurrency,
      limit,
      onProgress: (done, total) => progress.update(done, total),
    });
    await report.write(results);
    const count: FigureRow = { metric: `questions (${summary.answerable} answerable, ${summary.outOfScope.n} out of scope)`, value: summary.n, format: 'count' };
    tables.push({ name: set.name, rows: [{ metric: 'knowledge', value: knowledge }, count, ...set.rows(summary)] });
  } finally {
    await service?.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

const settings = Object.entries(ENV).map(([k, v]) => `${k}=${v}`).join(' ');
process.stdout.write(`\nKnowledge benchmark (${new Date().toISOString()}, ${process.version}, concurrency ${concurrency}${limit ? `, first ${limit} questions` : ''})\n`);
process.stdout.write(`service: ${settings}\n\n${renderTargetTable(tables)}\n\nper-question reports: ${reports}\n`);
// The same figures for `npm run bench`'s table (BENCH_ROWS_JSON).
await writeRowsFile(
  tables.flatMap(({ name, rows }) =>
    rows.map((row) => {
      const met = meetsTarget(row);
      return { workload: name, metric: row.metric, service: figureText(row), unit: '', ...(row.target ? { target: targetText(row.target) } : {}), ...(met === undefined ? {} : { met }) };
    }),
  ),
);

/** Polls `GET /ready` until it says 200; returns what its checks say (the knowledge base's counts). */
async function waitReady(url: string): Promise<string> {
  const until = Date.now() + READY_TIMEOUT_MS;
  let last = '';
  while (Date.now() < until) {
    try {
      const reply = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5000) });
      last = await reply.text();
      if (reply.status === 200) return readyDetail(last);
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`the service was not ready within ${READY_TIMEOUT_MS / 1000} s: ${last.slice(0, 300)}`);
}

function readyDetail(body: string): string {
  try {
    const checks = (JSON.parse(body) as { checks?: Record<string, { detail?: string }> }).checks ?? {};
    // The knowledge base's own line (what it holds) when there is one; the other checks say nothing of the data.
    const shown = checks.knowledge_base ? [checks.knowledge_base] : Object.values(checks);
    return shown.map((c) => (c.detail ?? 'ok').replace(/, built \S+$/, '')).join('; ') || 'ready';
  } catch {
    return 'ready';
  }
}

function exit(message: string): never {
  process.stderr.write(`bench:eval: ${message}\n`);
  process.exit(2);
}
