/**
 * Vector search speed and recall at the knowledge base's size (issue 18),
 * through a fake embeddings server: N passages are embedded by the service's
 * own `SemanticRetrieval` (its OpenAI-compatible client, batches and
 * concurrency from the config, the SQLite vector cache) from a fake server in
 * its own process (`fake-embeddings-server.ts`), exactly as indexing does;
 * then a restart on the same cache (nothing may be re-embedded, and the
 * graph saved by the first build is loaded instead of rebuilt); then each
 * question is embedded through the same server and searched for its top 10
 * (usearch HNSW graph with exact re-scoring), compared with an exact scan.
 *
 * The vectors are synthetic, said plainly (see `synthetic-vectors.ts`):
 * clustered by default, isotropic random with DATA=random (the worst case for
 * an approximate index). Both processes' CPU is printed, so a reader can see
 * which one the time went to.
 *
 * Last, one file changed: a new generation with FILE_PASSAGES passages
 * replaced by 10 more in the middle (later keys shift), the saved graph
 * updated in place, timed against the same generation with the graph
 * deleted (built again from the cached vectors, as every change did before).
 *
 *   npm run bench:vector      N=50000 DIMS=1024 QUERIES=300 LATENT=64 DATA=clustered|random|both FILE_PASSAGES=50
 *                             EMBEDDINGS_BATCH / EMBEDDINGS_CONCURRENCY as the service reads them
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerPort } from '../src/application/ports/logger.port.js';
import { SemanticRetrieval } from '../src/adapters/knowledge-base/retrieval/semantic-retrieval.js';
import type { VectorIndex } from '../src/adapters/knowledge-base/retrieval/vector-index.js';
import { loadConfig } from '../src/config/config.js';
import { startChildServer } from './child-server.js';
import { generator } from './synthetic-vectors.js';
import { machineInfo } from './machine-info.js';
import { percentile } from './stats.js';
import { writeRowsFile } from './rows-file.js';
import type { Row } from './report-table.js';

const N = Number(process.env.N ?? 50_000);
const DIMS = Number(process.env.DIMS ?? 1024);
const QUERIES = Number(process.env.QUERIES ?? 300);
const EXACT_TIMED = Math.min(QUERIES, 60);
const DATA = process.env.DATA ?? 'clustered';
const LATENT = Number(process.env.LATENT ?? 64);
/** Passages of the file the "one file changed" step replaces. */
const FILE_PASSAGES = Number(process.env.FILE_PASSAGES ?? 50);

/** Warnings and errors of the service's code reach the console; progress lines do not. */
const marks: { message: string; at: number }[] = [];
const log: LoggerPort = {
  debug: () => undefined,
  // Kept with their time: the "one file changed" step splits its time at the graph's own lines.
  info: (message) => void marks.push({ message, at: performance.now() }),
  warn: (message, fields) => console.warn(`  warn: ${message}`, fields ?? ''),
  error: (message, fields) => console.error(`  error: ${message}`, fields ?? ''),
};

const pct = (samples: readonly number[], p: number) => percentile([...samples].sort((a, b) => a - b), p);
const ms = (samples: readonly number[], p: number) => pct(samples, p).toFixed(2);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const selfCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** The figures for `npm run bench`'s table (BENCH_ROWS_JSON). */
const rows: Row[] = [];

/** Each question embedded through the server and searched for its top 10 in `index`, against an exact scan of the same index. */
async function searchFigures(semantic: SemanticRetrieval, index: VectorIndex, questions: readonly string[], signal: AbortSignal) {
  semantic.useIndex(index);
  for (const q of questions.slice(0, 20)) semantic.searchVectors((await semantic.embedQuery(q, signal)) as Float32Array, 10);
  const embedTimes: number[] = [];
  const searchTimes: number[] = [];
  const exactTimes: number[] = [];
  let found = 0;
  let failed = 0;
  for (const [j, question] of questions.entries()) {
    const t0 = performance.now();
    const vector = await semantic.embedQuery(question, signal);
    const t1 = performance.now();
    if (!vector) {
      failed += 1;
      continue;
    }
    const hits = semantic.searchVectors(vector, 10).map((h) => h.key);
    const t2 = performance.now();
    embedTimes.push(t1 - t0);
    searchTimes.push(t2 - t1);
    const truth = new Set(index.exact(vector, 10).map((h) => h.key));
    if (j < EXACT_TIMED) exactTimes.push(performance.now() - t2);
    found += hits.filter((key) => truth.has(key)).length;
  }
  return { embedTimes, searchTimes, exactTimes, found, failed };
}

async function run(kind: 'clustered' | 'random'): Promise<void> {
  const fake = await startChildServer('embeddings', { env: { FAKE_DIMS: String(DIMS), FAKE_LATENT: String(LATENT), FAKE_DATA: kind } });
  const stats = async () => (await (await fetch(`${fake.url}/stats`)).json()) as { calls: number; inputs: number };
  const config = loadConfig({
    EMBEDDINGS_BASE_URL: fake.url,
    EMBEDDINGS_MODEL: 'bench-embeddings',
    ...(process.env.EMBEDDINGS_BATCH ? { EMBEDDINGS_BATCH: process.env.EMBEDDINGS_BATCH } : {}),
    ...(process.env.EMBEDDINGS_CONCURRENCY ? { EMBEDDINGS_CONCURRENCY: process.env.EMBEDDINGS_CONCURRENCY } : {}),
  });
  const e = config.semantic.embeddings;
  const cacheDir = mkdtempSync(join(tmpdir(), 'bench-vector-'));
  const signal = new AbortController().signal;
  const items = Array.from({ length: N }, (_, n) => ({ key: `p${n}`, text: `passage p${n}` }));
  try {
    // First build: every passage embedded over HTTP, cached, indexed.
    const semantic = SemanticRetrieval.fromConfig(config.semantic, log) as SemanticRetrieval;
    const rssBefore = process.memoryUsage().rss;
    const [selfBefore, fakeBefore] = [selfCpuMs(), await fake.cpuMs()];
    let started = performance.now();
    const first = await semantic.buildVectorIndex(items, cacheDir, { signal });
    const buildMs = performance.now() - started;
    const [selfBuild, fakeBuild] = [selfCpuMs() - selfBefore, (await fake.cpuMs()) - fakeBefore];
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const index = first.index;
    if (!index || first.report.missing.length > 0) throw new Error(`first build left ${first.report.missing.length} passages without a vector: ${first.report.error ?? ''}`);
    const afterFirst = await stats();

    // Restart: a new SemanticRetrieval on the same cache must embed nothing (and loads the graph saved by the first build).
    const rssBeforeRestart = process.memoryUsage().rss;
    started = performance.now();
    const again = await (SemanticRetrieval.fromConfig(config.semantic, log) as SemanticRetrieval).buildVectorIndex(items, cacheDir, { signal });
    const restartMs = performance.now() - started;
    const rssAfterRestart = process.memoryUsage().rss;
    const afterRestart = await stats();

    // Questions: embedded through the server, then searched in the restart's index (its graph the loaded one); truth from an exact scan.
    const served = again.index;
    if (!served) throw new Error('the restart built no index');
    const { uniform } = generator(7);
    const questions = Array.from({ length: QUERIES }, (_, j) => `q${j}:${Math.floor(uniform() * N)}`);
    const { embedTimes, searchTimes, exactTimes, found, failed } = await searchFigures(semantic, served, questions, signal);
    const answered = QUERIES - failed;
    const cacheBytes = statSync(join(cacheDir, 'vectors.sqlite')).size;
    const graphBytes = existsSync(join(cacheDir, 'vectors.graph')) ? statSync(join(cacheDir, 'vectors.graph')).size : undefined;
    console.log(
      [
        `data: ${kind === 'clustered' ? `clustered (${LATENT} latent dims, 200 topics)` : 'isotropic random'}, ${N} passages × ${DIMS} dims, ${QUERIES} questions, top 10`,
        `  first build, every passage embedded through the fake server (batch ${e?.batchSize}, ${e?.concurrency} in flight) and indexed (usearch i8 HNSW, M=16, ef_construction=128): ${(buildMs / 1000).toFixed(1)} s, ${afterFirst.calls} calls for ${afterFirst.inputs} inputs`,
        `    CPU during it: this process (client, JSON parse, cache writes, graph) ${(selfBuild / 1000).toFixed(1)} s, fake server (vectors, JSON) ${(fakeBuild / 1000).toFixed(1)} s`,
        `  restart on the same cache: ${(restartMs / 1000).toFixed(1)} s, ${again.report.reused} reused, ${again.report.embedded} re-embedded, ${afterRestart.calls - afterFirst.calls} calls to the server; graph ${again.report.graph?.source ?? 'unknown'}${again.report.graph?.reason ? ` (${again.report.graph.reason})` : ''}`,
        `    RSS grew ${mib(rssAfterRestart - rssBeforeRestart)} during the restart's build (the first index still held), ${mib(rssAfterRestart)} after it; saved graph ${graphBytes === undefined ? 'none' : mib(graphBytes)} on disk`,
        `  memory: float vectors ${mib(index.vectorBytes)}; process RSS grew ${mib(rssGrowth)} during the first build (vectors, graph and its i8 copy, client buffers); cache on disk ${mib(cacheBytes)}`,
        `  question embedded over HTTP (fake server): p50 ${ms(embedTimes, 50)} ms, p99 ${ms(embedTimes, 99)} ms; failed ${failed}`,
        `  vector search in the restart's index (graph + exact re-scoring of 100 candidates): p50 ${ms(searchTimes, 50)} ms, p99 ${ms(searchTimes, 99)} ms, max ${Math.max(...searchTimes).toFixed(2)} ms (target p99 ≤ 10 ms: ${pct(searchTimes, 99) <= 10 ? 'met' : 'NOT met'})`,
        `  exact scan (reference): p50 ${ms(exactTimes, 50)} ms, p99 ${ms(exactTimes, 99)} ms (${exactTimes.length} questions)`,
        `  recall@10 vs exact: ${(found / (answered * 10)).toFixed(4)} (target ≥ 0.99: ${found / (answered * 10) >= 0.99 ? 'met' : 'NOT met'})`,
        `  loadavg now: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      ].join('\n'),
    );
    const w = `${N.toLocaleString('en')} × ${DIMS}, ${kind}`;
    const recall = found / (answered * 10);
    rows.push(
      { workload: w, metric: 'first build, every passage embedded through the fake server', service: buildMs / 1000, unit: 's' },
      { workload: w, metric: `restart on the same cache (graph ${again.report.graph?.source ?? 'unknown'}, ${afterRestart.calls - afterFirst.calls} calls)`, service: restartMs / 1000, unit: 's' },
      { workload: w, metric: 'vector search p50 (floor: exact scan)', service: pct(searchTimes, 50), floor: pct(exactTimes, 50), unit: 'ms' },
      { workload: w, metric: 'vector search p99 (floor: exact scan)', service: pct(searchTimes, 99), floor: pct(exactTimes, 99), unit: 'ms', target: '≤ 10 ms', met: pct(searchTimes, 99) <= 10 },
      { workload: w, metric: 'recall@10 against the exact scan', service: recall.toFixed(4), unit: '', target: '≥ 0.99', met: recall >= 0.99 },
      { workload: w, metric: 'float vectors', service: index.vectorBytes / 2 ** 20, unit: 'MiB' },
      { workload: w, metric: 'RSS growth, first build / restart', service: `${mib(rssGrowth)} / ${mib(rssAfterRestart - rssBeforeRestart)}`, unit: '' },
    );

    // One file changed, as a new index generation lists it: its FILE_PASSAGES passages out and 10 more new ones in, in the middle (every later key shifts by 10).
    const mid = Math.floor(N / 2);
    const fresh = Array.from({ length: FILE_PASSAGES + 10 }, (_, n) => `passage p${N + n}`);
    const changed = [...items.slice(0, mid).map((i) => i.text), ...fresh, ...items.slice(mid + FILE_PASSAGES).map((i) => i.text)].map((text, n) => ({ key: `p${n}`, text }));
    const beforeUpdate = await stats();
    /** Where a build's time went: vectors from the cache and the server, the graph up to `line` (opened and changed, or not), and the rest (built and/or saved). */
    const phases = async (line: string) => {
      let embedded = 0;
      marks.length = 0;
      const t0 = performance.now();
      const built = await semantic.buildVectorIndex(changed, cacheDir, { signal, onProgress: (p) => p.done === p.total && (embedded = performance.now()) });
      const end = performance.now();
      const mark = marks.find((m) => m.message === line)?.at ?? Number.NaN;
      return { built, ms: end - t0, vectorsMs: embedded - t0, toLineMs: mark - embedded, afterLineMs: end - mark };
    };
    const update = await phases('vector graph updated');
    const { built: updated, ms: updateMs } = update;
    const afterUpdate = await stats();
    if (!updated.index) throw new Error('the update built no index');
    const afterChange = await searchFigures(semantic, updated.index, questions, signal);
    // The same generation with the saved graph gone: what every change cost before (the graph built again from the cached vectors).
    for (const file of ['vectors.graph', 'vectors.graph.json', 'vectors.graph.entries']) rmSync(join(cacheDir, file), { force: true });
    const rebuild = await phases('vector graph rebuilt from the cached vectors');
    const { built: rebuilt, ms: rebuildMs } = rebuild;
    const s1 = (x: number) => (x / 1000).toFixed(2);
    const changedRecall = afterChange.found / ((QUERIES - afterChange.failed) * 10);
    const g = updated.report.graph;
    console.log(
      [
        `  one file changed (${FILE_PASSAGES} passages out, ${fresh.length} in, the ${N - mid - FILE_PASSAGES} after them shifted): ${(updateMs / 1000).toFixed(2)} s, graph ${g?.source ?? 'unknown'}${g?.source === 'updated' ? ` (${g.added} added, ${g.removed} removed)` : g?.reason ? ` (${g.reason})` : ''}, ${updated.report.embedded} embedded in ${afterUpdate.calls - beforeUpdate.calls} calls`,
        `    the same generation with the saved graph deleted (a graph built from the cached vectors, as every change did before): ${(rebuildMs / 1000).toFixed(1)} s, graph ${rebuilt.report.graph?.source ?? 'unknown'}, ${rebuilt.report.embedded} embedded`,
        `    where the time went, update / rebuild: vectors from the cache (and the server) ${s1(update.vectorsMs)} / ${s1(rebuild.vectorsMs)} s; the graph: read, checked, loaded, ${g?.removed ?? '?'} removed and ${g?.added ?? '?'} added ${s1(update.toLineMs)} s, then saved ${s1(update.afterLineMs)} s / hashes and the missing graph noticed ${s1(rebuild.toLineMs)} s, then ${rebuilt.index?.size ?? '?'} added and saved ${s1(rebuild.afterLineMs)} s`,
        `    search in the updated index: p50 ${ms(afterChange.searchTimes, 50)} ms, p99 ${ms(afterChange.searchTimes, 99)} ms; recall@10 vs exact ${changedRecall.toFixed(4)}`,
        `  loadavg now: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      ].join('\n'),
    );
    rows.push(
      { workload: w, metric: `one file changed: graph update time (graph ${g?.source ?? 'unknown'}; floor: the graph rebuilt from the cached vectors, same run)`, service: updateMs / 1000, floor: rebuildMs / 1000, unit: 's' },
      { workload: w, metric: 'one file changed: the graph part alone, after the vectors are read (floor: the graph rebuilt)', service: (update.toLineMs + update.afterLineMs) / 1000, floor: (rebuild.toLineMs + rebuild.afterLineMs) / 1000, unit: 's' },
      { workload: w, metric: 'one file changed: recall@10 of the updated index against its exact scan', service: changedRecall.toFixed(4), unit: '', target: '≥ 0.99', met: changedRecall >= 0.99 },
    );
  } finally {
    await fake.stop();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

console.log(machineInfo());
console.log(`loadavg at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores: above ~1 another process competes for the CPU)`);
if (DATA === 'clustered' || DATA === 'both') await run('clustered');
if (DATA === 'random' || DATA === 'both') await run('random');
await writeRowsFile(rows);
