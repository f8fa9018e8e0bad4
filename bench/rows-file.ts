import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Row } from './report-table.js';

/**
 * How a benchmark script that runs on its own (`npm run bench:kb`,
 * `bench:vector`, `bench:eval`) hands its figures to `npm run bench`: when
 * `BENCH_ROWS_JSON=<path>` is set it writes `{"rows":[Row…]}` there, and the
 * main bench prints those rows in its one table.
 */
export const ROWS_FILE_ENV = 'BENCH_ROWS_JSON';

/** Writes `rows` where `BENCH_ROWS_JSON` says; does nothing when it is unset. */
export async function writeRowsFile(rows: readonly Row[]): Promise<void> {
  const path = process.env[ROWS_FILE_ENV];
  if (path) await writeFile(path, JSON.stringify({ rows }));
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A script that has not finished in this long has hung: it is killed and its rows say so. */
const SCRIPT_TIMEOUT_MS = 30 * 60_000;

/**
 * Runs `bench/<script>` (or the script at an absolute path) in its own process (its output shown on stderr, as
 * progress) and returns the rows it wrote. A script that fails, hangs or writes
 * nothing gives one row that says so (not met), so the rest of the bench still
 * reports. Rows are shown under `workload`, the main bench's name for the
 * script, with the script's own `workload` (what it measured) in brackets.
 */
export async function rowsOfScript(workload: string, script: string, env: Record<string, string> = {}): Promise<Row[]> {
  const folder = await mkdtemp(join(tmpdir(), 'bench-rows-'));
  const file = join(folder, 'rows.json');
  try {
    const outcome = await new Promise<string>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'bench', script)], {
        cwd: ROOT,
        env: { ...process.env, ...env, [ROWS_FILE_ENV]: file },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.pipe(process.stderr, { end: false });
      child.stderr.pipe(process.stderr, { end: false });
      const timer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
      child.once('error', (error) => {
        clearTimeout(timer);
        done(`could not start: ${error.message}`);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        done(code === 0 ? '' : signal === 'SIGKILL' ? `killed after ${SCRIPT_TIMEOUT_MS / 60_000} min` : `exited ${code ?? signal}`);
      });
    });
    if (outcome) return [failedRow(workload, script, outcome)];
    return parseRows(await readFile(file, 'utf8').catch(() => ''), workload, script);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function parseRows(text: string, workload: string, script: string): Row[] {
  let rows: unknown;
  try {
    rows = (JSON.parse(text) as { rows?: unknown }).rows;
  } catch {
    return [failedRow(workload, script, 'wrote no figures')];
  }
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every(isRow)) return [failedRow(workload, script, 'wrote figures in an unknown shape')];
  return rows.map((row) => ({ ...row, workload: row.workload ? `${workload} (${row.workload})` : workload }));
}

function isRow(value: unknown): value is Row {
  if (value === null || typeof value !== 'object') return false;
  const r = value as Record<string, unknown>;
  const figure = (v: unknown) => typeof v === 'number' || typeof v === 'string';
  return (
    typeof r.workload === 'string' &&
    typeof r.metric === 'string' &&
    figure(r.service) &&
    (r.floor === undefined || figure(r.floor)) &&
    typeof r.unit === 'string' &&
    (r.target === undefined || typeof r.target === 'string') &&
    (r.met === undefined || typeof r.met === 'boolean')
  );
}

const failedRow = (workload: string, script: string, why: string): Row => ({
  workload,
  metric: `bench/${script}`,
  service: `failed: ${why}`,
  unit: '',
  target: 'runs',
  met: false,
});
