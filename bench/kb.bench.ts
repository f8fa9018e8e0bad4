/**
 * `npm run bench:kb`: the embedded knowledge base at the size operators have.
 * Generates a JSONL corpus of real Chinese sentences (drawn from the shared
 * CMRC passages, read by path, written to a temp folder — never into the
 * project), starts the compiled service on it, and measures: first build to
 * `/ready`, restart with unchanged files to `/ready`, resident memory once
 * ready, `/chat/sync` latency one call at a time (mock model, no delay),
 * retrieval itself (the persisted index loaded in this process), and calls
 * answered while every file is re-indexed. The baseline — the previous
 * in-memory minisearch index — is measured in the same run on a smaller
 * corpus (BENCH_KB_BASELINE passages, default 10,000; it needs ~1.7 GB at 50,000).
 *
 * BENCH_KB_PASSAGES (default 50,000), BENCH_KB_DATA (default ../shared/data).
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { IndexStore } from '../src/adapters/knowledge-base/index/index-store.js';
import { KnowledgeIndex } from '../src/adapters/knowledge-base/index/knowledge-index.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { renderTable, type Row } from './report-table.js';
import { writeRowsFile } from './rows-file.js';
import { percentile } from './stats.js';

const pct = (samples: readonly number[], p: number) => percentile([...samples].sort((a, b) => a - b), p);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = resolve(ROOT, process.env.BENCH_KB_DATA ?? '../shared/data');
const PASSAGES = Number(process.env.BENCH_KB_PASSAGES ?? 50_000);
const BASELINE = Number(process.env.BENCH_KB_BASELINE ?? 10_000);
const FILES = 50;
const CALLS = 400;

const docsFile = join(DATA, 'retrieval-zh', 'docs.jsonl');
if (!existsSync(docsFile)) throw new Error(`bench:kb needs ${docsFile} (set BENCH_KB_DATA to the shared data folder)`);

// A seeded generator, so every run indexes the same corpus.
let seed = 42;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const sentences = readFileSync(docsFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .flatMap((l) => (JSON.parse(l) as { text: string }).text.match(/[^。！？]+[。！？]/gu) ?? [])
  .filter((s) => s.length >= 12 && s.length <= 200);

const work = mkdtempSync(join(tmpdir(), 'bench-kb-'));
const corpus = join(work, 'corpus');
mkdirSync(corpus);
const queries: { text: string; id: string }[] = [];
let chars = 0;
for (let f = 0; f < FILES; f++) {
  const rows: string[] = [];
  for (let r = 0; r < PASSAGES / FILES; r++) {
    const n = f * (PASSAGES / FILES) + r;
    const parts: string[] = [];
    while (parts.join('').length < 330) parts.push(sentences[Math.floor(random() * sentences.length)] as string);
    const text = parts.join('');
    chars += text.length;
    rows.push(JSON.stringify({ id: `p${n}`, title: `条目 ${n}`, text }));
    if (n % Math.floor(PASSAGES / CALLS) === 0) queries.push({ text: (parts[1] ?? parts[0] ?? '').slice(0, 40), id: `p${n}` });
  }
  writeFileSync(join(corpus, `part-${String(f).padStart(3, '0')}.jsonl`), `${rows.join('\n')}\n`);
}
console.log(`corpus: ${PASSAGES} passages in ${FILES} files, ${(chars / 1e6).toFixed(1)} M characters; ${cpus().length} cores, loadavg ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

execFileSync(process.execPath, ['scripts/build-dist.mjs', '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
const indexDir = join(work, 'index');
const env = { KB_PROVIDER: 'local', KB_DIR: corpus, KB_INDEX_DIR: indexDir, LLM_PROVIDER: 'mock', MOCK_LLM_DELAY_MS: '0', LOG_LEVEL: 'warn', KB_MIN_SCORE: '0', NO_RECALL_ASK_MODEL: 'true', KB_WATCH_DEBOUNCE_MS: '500' };

async function toReady(): Promise<{ server: ChildServer; ms: number }> {
  const started = performance.now();
  const server = await startChildServer('service', { env, logFile: join(work, 'service.log') });
  for (;;) {
    const r = await fetch(`${server.url}/ready`);
    const body = await r.text();
    if (r.status === 200) return { server, ms: performance.now() - started };
    if (performance.now() - started > 600_000) throw new Error(`not ready after 10 minutes: ${body}`);
    await sleep(100);
  }
}

async function call(url: string, content: string): Promise<{ ms: number; ok: boolean; top?: string }> {
  const started = performance.now();
  try {
    const r = await fetch(`${url}/chat/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content, user: 'bench', msg_type: 'text' }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await r.json()) as { code?: number; recall_docs?: { doc_id: string }[] };
    const docs = body.recall_docs ?? [];
    return { ms: performance.now() - started, ok: r.status === 200 && body.code === 0, ...(docs[0] ? { top: docs[0].doc_id } : {}) };
  } catch {
    return { ms: performance.now() - started, ok: false };
  }
}

const first = await toReady();
const firstRss = await first.server.rss();
const latencies: number[] = [];
for (const q of queries) {
  const r = await call(first.server.url, q.text);
  latencies.push(r.ms);
  if (!r.ok) throw new Error(`a call failed during the latency run: ${q.text}`);
}

// Every file changed: calls keep going while the whole folder is read again.
for (let f = 0; f < FILES; f++) appendFileSync(join(corpus, `part-${String(f).padStart(3, '0')}.jsonl`), `${JSON.stringify({ id: `extra-${f}`, text: `新增条目 ${f}：打印机驱动下载地址。` })}\n`);
const during: number[] = [];
let failures = 0;
const reindexStarted = performance.now();
let sawReindex = false;
for (let i = 0; ; i++) {
  const r = await call(first.server.url, (queries[i % queries.length] as { text: string }).text);
  during.push(r.ms);
  if (!r.ok) failures++;
  const detail = await (await fetch(`${first.server.url}/ready`)).text();
  if (/re-indexing/.test(detail)) sawReindex = true;
  else if (sawReindex || performance.now() - reindexStarted > 120_000) break;
}
const reindexMs = performance.now() - reindexStarted;
await first.server.stop();

const second = await toReady();
const secondRss = await second.server.rss();
await second.server.stop();

// Retrieval alone: the persisted index in this process, the queries the calls asked.
const stored = await new IndexStore(indexDir).load(corpus);
if (!stored) throw new Error('no persisted index to load');
const index = new KnowledgeIndex(stored.passages, stored.lexical, [], 0);
for (const q of queries.slice(0, 50)) index.search(q.text, { topK: 3, spaces: [] });
const retrieval: number[] = [];
for (let round = 0; round < 3; round++) {
  for (const q of queries) {
    const t = performance.now();
    index.search(q.text, { topK: 3, spaces: [] });
    retrieval.push(performance.now() - t);
  }
}

// The baseline: the previous minisearch index, in its own process, on a smaller corpus.
const baseline = await new Promise<{ buildMs: number; rss: number; passages: number }>((done, fail) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/kb-baseline.child.ts', corpus, String(BASELINE)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.once('exit', (code) => (code === 0 ? done(JSON.parse(out)) : fail(new Error(`baseline exited ${code}`))));
});
rmSync(work, { recursive: true, force: true });

// One set of rows: printed here as a table and handed to `npm run bench` (BENCH_ROWS_JSON).
const w = `${PASSAGES.toLocaleString('en')} passages`;
const MIB = 1024 * 1024;
const rows: Row[] = [
  { workload: w, metric: 'first build, start to /ready', service: first.ms / 1000, unit: 's', target: '≤ 20 s', met: first.ms <= 20_000 },
  { workload: w, metric: 'restart, unchanged files, to /ready', service: second.ms / 1000, unit: 's', target: '≤ 3 s', met: second.ms <= 3_000 },
  { workload: w, metric: 'RSS once ready, first start', service: firstRss / MIB, unit: 'MiB', target: '≤ 400 MiB', met: firstRss <= 400 * MIB },
  { workload: w, metric: 'RSS once ready, restart', service: secondRss / MIB, unit: 'MiB', target: '≤ 400 MiB', met: secondRss <= 400 * MIB },
  { workload: w, metric: `/chat/sync one at a time (${latencies.length} calls) p50`, service: pct(latencies, 50), unit: 'ms' },
  { workload: w, metric: `/chat/sync one at a time (${latencies.length} calls) p99`, service: pct(latencies, 99), unit: 'ms', target: '≤ 15 ms', met: pct(latencies, 99) <= 15 },
  { workload: w, metric: 'retrieval itself p50', service: pct(retrieval, 50), unit: 'ms' },
  { workload: w, metric: 'retrieval itself p99', service: pct(retrieval, 99), unit: 'ms', target: '≤ 10 ms', met: pct(retrieval, 99) <= 10 },
  { workload: w, metric: `failed calls during a re-index of every file (${during.length} calls in ${(reindexMs / 1000).toFixed(1)} s)`, service: failures, unit: '', target: '0', met: failures === 0 },
  { workload: w, metric: 'call p99 during that re-index', service: pct(during, 99), unit: 'ms' },
  { workload: w, metric: `baseline (previous in-memory minisearch index, ${baseline.passages.toLocaleString('en')} passages): build`, service: baseline.buildMs / 1000, unit: 's' },
  { workload: w, metric: `baseline (same, ${baseline.passages.toLocaleString('en')} passages): RSS`, service: baseline.rss / MIB, unit: 'MiB' },
];
console.log(`\n${renderTable(rows)}\n\nloadavg at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await writeRowsFile(rows);
