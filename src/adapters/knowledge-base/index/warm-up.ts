import type { KbPassage } from '../ingest/blocks.js';
import type { SearchOptions } from './knowledge-index.js';

/** What warming needs of an index: its passages and its search. */
export interface Searchable {
  readonly passages: readonly KbPassage[];
  search(query: string, options: SearchOptions): unknown;
}

/**
 * Runs a few searches on a freshly loaded index before it answers calls.
 * The first searches of a process run cold (the tokenizer's ICU dictionary
 * loaded on first use, the BM25 loop not yet compiled): measured at 50,000
 * passages, the first eight cost 3–22 ms each and every later one ~1 ms, so
 * the first calls after `/ready` made the tail of `/chat/sync`. Queries are
 * the openings of passages spread over the index; it stops after `budgetMs`.
 * Returns the searches run.
 */
export function warmUp(index: Searchable, queries = 12, budgetMs = 250): number {
  const n = index.passages.length;
  if (n === 0) return 0;
  const started = performance.now();
  let run = 0;
  for (let k = 0; k < queries && performance.now() - started < budgetMs; k++) {
    const passage = index.passages[Math.floor((k * n) / queries)] as KbPassage;
    index.search(passage.text.slice(0, 40), { topK: 3, spaces: [] });
    run++;
  }
  return run;
}
