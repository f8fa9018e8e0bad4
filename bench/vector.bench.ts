/**
 * Vector search speed and recall at the knowledge base's size (issue 18):
 * N unit vectors of DIMS dimensions in one `VectorIndex`, searched for the
 * top 10 by the approximate graph (usearch HNSW) with exact re-scoring, and
 * compared with an exact scan of the same index.
 *
 * Synthetic data, said plainly: text embeddings are not isotropic noise —
 * they lie near a low-dimensional, clustered set — so vectors are drawn as
 * CLUSTERS topics in a LATENT-dimensional space, projected to DIMS, plus
 * small isotropic noise; a query is a perturbed copy of a random item (a
 * paraphrase). DATA=random adds isotropic random vectors, the worst case
 * for any approximate index (no structure to exploit).
 *
 *   npm run bench:vector            N=50000 DIMS=1024 QUERIES=300 LATENT=64 DATA=clustered|random|both
 */
import { loadavg } from 'node:os';
import { loadAnnGraphFactory } from '../src/adapters/knowledge-base/retrieval/ann-graph.js';
import { VectorIndex } from '../src/adapters/knowledge-base/retrieval/vector-index.js';
import { machineInfo } from './machine-info.js';

const N = Number(process.env.N ?? 50_000);
const DIMS = Number(process.env.DIMS ?? 1024);
const QUERIES = Number(process.env.QUERIES ?? 300);
const EXACT_TIMED = Math.min(QUERIES, 60);
const DATA = process.env.DATA ?? 'clustered';
/** Intrinsic dimensions of the clustered data: higher is harder for any approximate index. */
const LATENT = Number(process.env.LATENT ?? 64);

/** mulberry32: a proper 32-bit generator (an LCG in doubles loses bits past 2^53 and repeats). */
function generator(seed: number): { uniform: () => number; gauss: () => number } {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, gauss };
}

function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * inv;
  return v;
}

function clustered(seed: number): { items: Float32Array[]; queries: Float32Array[] } {
  const { uniform, gauss } = generator(seed);
  const latent = LATENT;
  const clusters = 200;
  const projection = Float32Array.from({ length: latent * DIMS }, () => gauss() / Math.sqrt(latent));
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: latent }, gauss));
  const embed = (z: Float32Array) => {
    const v = new Float32Array(DIMS);
    for (let l = 0; l < latent; l++) {
      const zl = z[l] as number;
      const row = l * DIMS;
      for (let j = 0; j < DIMS; j++) v[j] = (v[j] as number) + zl * (projection[row + j] as number);
    }
    for (let j = 0; j < DIMS; j++) v[j] = (v[j] as number) + gauss() * 0.02;
    return normalise(v);
  };
  const latents = Array.from({ length: N }, () => {
    const c = centres[Math.floor(uniform() * clusters)] as Float32Array;
    return c.map((x) => x + gauss() * 0.6);
  });
  const items = latents.map(embed);
  const queries = Array.from({ length: QUERIES }, () => embed((latents[Math.floor(uniform() * N)] as Float32Array).map((x) => x + gauss() * 0.3)));
  return { items, queries };
}

function isotropic(seed: number): { items: Float32Array[]; queries: Float32Array[] } {
  const { gauss } = generator(seed);
  const draw = () => normalise(Float32Array.from({ length: DIMS }, gauss));
  return { items: Array.from({ length: N }, draw), queries: Array.from({ length: QUERIES }, draw) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

function timed(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

async function run(name: string, data: { items: Float32Array[]; queries: Float32Array[] }): Promise<void> {
  const factory = loadAnnGraphFactory();
  if ('error' in factory) throw new Error(`usearch did not load: ${factory.error}`);
  const index = new VectorIndex({ dims: DIMS, graph: factory.create(DIMS), initialCapacity: N });
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  await index.addInChunks(data.items.map((vector, i) => ({ key: `p${i}`, vector })));
  const buildMs = performance.now() - started;
  const rssGrowth = process.memoryUsage().rss - rssBefore;

  const exactTimes: number[] = [];
  const truth = data.queries.map((q, i) => {
    let hits: string[] = [];
    const ms = timed(() => (hits = index.exact(q, 10).map((h) => h.key)));
    if (i < EXACT_TIMED) exactTimes.push(ms);
    return new Set(hits);
  });
  // Warm the search path, then time every query.
  for (const q of data.queries.slice(0, 20)) index.search(q, 10);
  const times: number[] = [];
  let found = 0;
  data.queries.forEach((q, i) => {
    let hits: string[] = [];
    times.push(timed(() => (hits = index.search(q, 10).map((h) => h.key))));
    found += hits.filter((key) => truth[i]?.has(key)).length;
  });
  times.sort((a, b) => a - b);
  exactTimes.sort((a, b) => a - b);
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    [
      `data: ${name}, ${N} × ${DIMS} dims, ${QUERIES} queries, top 10`,
      `  build (float array + HNSW graph, usearch i8, M=16, ef_construction=128): ${(buildMs / 1000).toFixed(1)} s`,
      `  memory: float vectors ${mib(index.vectorBytes)}; process RSS grew ${mib(rssGrowth)} during the build (the float vectors, the graph and its i8 copy)`,
      `  exact scan (reference): p50 ${percentile(exactTimes, 0.5).toFixed(2)} ms, p99 ${percentile(exactTimes, 0.99).toFixed(2)} ms (${EXACT_TIMED} queries)`,
      `  graph + exact re-scoring of 100 candidates: p50 ${percentile(times, 0.5).toFixed(2)} ms, p99 ${percentile(times, 0.99).toFixed(2)} ms, max ${(times.at(-1) as number).toFixed(2)} ms`,
      `  recall@10 vs exact: ${(found / (QUERIES * 10)).toFixed(4)}`,
      `  loadavg now: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    ].join('\n'),
  );
}

console.log(machineInfo());
console.log(`loadavg at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores: above ~1 another process competes for the CPU)`);
if (DATA === 'clustered' || DATA === 'both') await run(`clustered (${LATENT} latent dims, 200 topics)`, clustered(1));
if (DATA === 'random' || DATA === 'both') await run('isotropic random', isotropic(2));
