/**
 * Retrieval benchmark: indexes the shared CMRC 2018 set
 * (`../shared/data/retrieval-zh/`, read in place, never copied) with the
 * service's own `LocalKnowledgeBase`, runs every query, and prints recall@1,
 * recall@5, MRR@10, index build time and query latency p50/p99.
 *
 *   npm run bench:retrieval [-- <data folder>]
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalKnowledgeBase } from '../src/adapters/knowledge-base/local-knowledge-base.adapter.js';
import type { LoggerPort } from '../src/application/ports/logger.port.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = resolve(ROOT, process.argv[2] ?? '../shared/data/retrieval-zh');
const DOCS = resolve(DATA, 'docs.jsonl');
const QUERIES = resolve(DATA, 'queries.jsonl');
const WARM_UP = 200;

for (const file of [DOCS, QUERIES]) {
  if (!existsSync(file)) {
    process.stderr.write(`bench:retrieval: ${file} not found. Put the retrieval-zh set (docs.jsonl, queries.jsonl) there or pass its folder.\n`);
    process.exit(2);
  }
}

interface Query {
  readonly qid: string;
  readonly query: string;
  readonly doc_id: string;
}

const quiet: LoggerPort = { debug() {}, info() {}, warn: (m, f) => console.warn(m, f), error: (m, f) => console.error(m, f) };
const queries = readFileSync(QUERIES, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Query);
const kb = new LocalKnowledgeBase({ dir: DOCS, topK: 10, passageChars: 800, watchDebounceMs: 0, log: quiet });
const signal = new AbortController().signal;
const ask = (text: string) => kb.recall({ text, businessKeys: [] }, signal);

await ask('warm-up'); // waits for the first build
const stats = kb.stats();
for (const q of queries.slice(0, WARM_UP)) await ask(q.query);

let hits1 = 0;
let hits5 = 0;
let reciprocal = 0;
const latencies: number[] = [];
for (const q of queries) {
  const started = performance.now();
  const { docs } = await ask(q.query);
  latencies.push(performance.now() - started);
  const rank = docs.findIndex((d) => d.docId === q.doc_id);
  if (rank === 0) hits1 += 1;
  if (rank >= 0 && rank < 5) hits5 += 1;
  if (rank >= 0) reciprocal += 1 / (rank + 1);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(2);
const n = queries.length;
console.log(`retrieval-zh: ${stats.documents} documents, ${stats.passages} passages, ${n} queries`);
console.log(`recall@1  ${(hits1 / n).toFixed(4)}`);
console.log(`recall@5  ${(hits5 / n).toFixed(4)}`);
console.log(`MRR@10    ${(reciprocal / n).toFixed(4)}`);
console.log(`index build ${((stats.buildMs ?? 0) / 1000).toFixed(2)} s (read + tokenize + index)`);
console.log(`query latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms (after ${WARM_UP} warm-up queries; ${process.version})`);
