import { compareHash, hashTerm } from './term-hash.js';
import type { PackedForward } from './forward-terms.js';

/** The arrays an index is made of: what is written to disk and mapped back as it is. */
export interface LexicalArrays {
  /** Distinct terms, sorted by (hi, lo). Term t's postings are `[offsets[t], offsets[t+1])`. */
  readonly termHi: Uint32Array;
  readonly termLo: Uint32Array;
  readonly offsets: Uint32Array;
  /** Passage ids, ascending within a term. */
  readonly postings: Uint32Array;
  readonly tf: Uint8Array;
  /** Terms per passage (BM25's length). */
  readonly lengths: Uint32Array;
}

export interface LexicalHit {
  readonly passage: number;
  readonly score: number;
}

/**
 * An immutable BM25 index over hashed terms in flat typed arrays: no object
 * per posting, nothing for the garbage collector to walk, and it loads from
 * disk without being rebuilt. One query accumulates scores in a reused
 * `Float32Array`; only the passages it touched are reset afterwards.
 */
export class LexicalIndex {
  private readonly avgLength: number;
  private readonly acc: Float32Array;
  private readonly touched: Uint32Array;

  constructor(readonly arrays: LexicalArrays) {
    const n = arrays.lengths.length;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += arrays.lengths[i] as number;
    this.avgLength = n > 0 ? sum / n : 1;
    this.acc = new Float32Array(n);
    this.touched = new Uint32Array(n);
  }

  /** Inverts passages' forward terms (counting sort: two passes, no per-term arrays). */
  static build(forward: PackedForward): LexicalIndex {
    const n = forward.lengths.length;
    const total = forward.hi.length;
    const { termOf, termHi, termLo } = internTerms(forward.hi, forward.lo);
    const terms = termHi.length;
    const offsets = new Uint32Array(terms + 1);
    for (let i = 0; i < total; i++) {
      const next = (termOf[i] as number) + 1;
      offsets[next] = (offsets[next] as number) + 1;
    }
    for (let t = 0; t < terms; t++) offsets[t + 1] = (offsets[t + 1] as number) + (offsets[t] as number);
    const fill = offsets.slice(0, terms);
    const postings = new Uint32Array(total);
    const tf = new Uint8Array(total);
    // Passages in order, so each term's postings come out ascending.
    for (let p = 0; p < n; p++) {
      for (let i = forward.offsets[p] as number; i < (forward.offsets[p + 1] as number); i++) {
        const t = termOf[i] as number;
        const at = fill[t] as number;
        postings[at] = p;
        tf[at] = forward.tf[i] as number;
        fill[t] = at + 1;
      }
    }
    return new LexicalIndex({
      termHi,
      termLo,
      offsets,
      postings,
      tf,
      lengths: forward.lengths.slice(),
    });
  }

  get passageCount(): number {
    return this.arrays.lengths.length;
  }

  get termCount(): number {
    return this.arrays.termHi.length;
  }

  /** The term's id, or -1 when no passage has it. */
  termId(term: string): number {
    const [h, l] = hashTerm(term);
    const { termHi, termLo } = this.arrays;
    let low = 0;
    let high = termHi.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const c = compareHash(termHi[mid] as number, termLo[mid] as number, h, l);
      if (c === 0) return mid;
      if (c < 0) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** Passages containing the term. */
  df(termId: number): number {
    return termId < 0 ? 0 : (this.arrays.offsets[termId + 1] as number) - (this.arrays.offsets[termId] as number);
  }

  /** Whether `passage` contains the term (binary search in its ascending postings). */
  contains(termId: number, passage: number): boolean {
    if (termId < 0) return false;
    const { offsets, postings } = this.arrays;
    let low = offsets[termId] as number;
    let high = (offsets[termId + 1] as number) - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const p = postings[mid] as number;
      if (p === passage) return true;
      if (p < passage) low = mid + 1;
      else high = mid - 1;
    }
    return false;
  }

  /** The IDF BM25 gives a term found in `df` passages. */
  idf(df: number): number {
    const n = this.passageCount;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * BM25 (k1 1.2, b 0.75) over `termIds` (distinct, ≥ 0); the best `limit`
   * passages that pass `accept`, best first. Synchronous and allocation-light:
   * one query at a time per index, which is what a single thread runs.
   */
  search(termIds: readonly number[], limit: number, accept?: (passage: number) => boolean): LexicalHit[] {
    const { offsets, postings, tf, lengths } = this.arrays;
    const { acc, touched } = this;
    const k1 = 1.2;
    const b = 0.75;
    let count = 0;
    for (const t of termIds) {
      const from = offsets[t] as number;
      const to = offsets[t + 1] as number;
      const idf = this.idf(to - from);
      for (let i = from; i < to; i++) {
        const p = postings[i] as number;
        const f = tf[i] as number;
        const norm = k1 * (1 - b + (b * (lengths[p] as number)) / this.avgLength);
        if (acc[p] === 0) touched[count++] = p;
        acc[p] = (acc[p] as number) + (idf * (f * (k1 + 1))) / (f + norm);
      }
    }
    // A bounded min-heap of the best `limit` (score, passage).
    const heapScore = new Float64Array(limit);
    const heapId = new Uint32Array(limit);
    let size = 0;
    for (let k = 0; k < count; k++) {
      const p = touched[k] as number;
      const s = acc[p] as number;
      acc[p] = 0;
      if (size === limit && s <= (heapScore[0] as number)) continue;
      if (accept && !accept(p)) continue;
      if (size < limit) {
        let i = size++;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if ((heapScore[parent] as number) <= s) break;
          heapScore[i] = heapScore[parent] as number;
          heapId[i] = heapId[parent] as number;
          i = parent;
        }
        heapScore[i] = s;
        heapId[i] = p;
      } else {
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          if (l >= size) break;
          const r = l + 1;
          const c = r < size && (heapScore[r] as number) < (heapScore[l] as number) ? r : l;
          if ((heapScore[c] as number) >= s) break;
          heapScore[i] = heapScore[c] as number;
          heapId[i] = heapId[c] as number;
          i = c;
        }
        heapScore[i] = s;
        heapId[i] = p;
      }
    }
    const hits: LexicalHit[] = [];
    for (let i = 0; i < size; i++) hits.push({ passage: heapId[i] as number, score: heapScore[i] as number });
    return hits.sort((x, y) => y.score - x.score || x.passage - y.passage);
  }
}

/**
 * Gives each distinct (hi, lo) an id, ids in hash order (so look-ups can
 * binary-search): an open-addressing table of the distinct terms, then one
 * sort of the distinct terms only — sorting every occurrence (tens of
 * millions at 50,000 passages) with a comparator took seconds. The table is
 * sized by the distinct terms (grown when half full), not by the
 * occurrences: at 50,000 passages 20 M occurrences hold ~200 k terms, and a
 * table of a few MB stays in the CPU's cache where one of 256 MB missed it at
 * every probe (4.9 s against ~1 s measured).
 */
function internTerms(hi: Uint32Array, lo: Uint32Array): { termOf: Uint32Array; termHi: Uint32Array; termLo: Uint32Array } {
  const total = hi.length;
  let capacity = 1 << 12;
  let mask = capacity - 1;
  let slots = new Int32Array(capacity).fill(-1);
  let firstHi = new Uint32Array(capacity >> 1);
  let firstLo = new Uint32Array(capacity >> 1);
  let distinct = 0;
  const termOf = new Uint32Array(total);
  const slotOf = (h: number, l: number) => (l ^ Math.imul(h, 0x9e3779b1)) & mask;
  for (let i = 0; i < total; i++) {
    const h = hi[i] as number;
    const l = lo[i] as number;
    let slot = slotOf(h, l);
    for (;;) {
      const id = slots[slot] as number;
      if (id === -1) {
        if (distinct === firstHi.length) {
          // Half full: double the table and re-place the terms so far.
          capacity *= 2;
          mask = capacity - 1;
          slots = new Int32Array(capacity).fill(-1);
          for (let t = 0; t < distinct; t++) {
            let s = slotOf(firstHi[t] as number, firstLo[t] as number);
            while (slots[s] !== -1) s = (s + 1) & mask;
            slots[s] = t;
          }
          const grownHi = new Uint32Array(capacity >> 1);
          const grownLo = new Uint32Array(capacity >> 1);
          grownHi.set(firstHi);
          grownLo.set(firstLo);
          firstHi = grownHi;
          firstLo = grownLo;
          slot = slotOf(h, l);
          while (slots[slot] !== -1) slot = (slot + 1) & mask;
        }
        slots[slot] = distinct;
        firstHi[distinct] = h;
        firstLo[distinct] = l;
        termOf[i] = distinct++;
        break;
      }
      if (firstHi[id] === h && firstLo[id] === l) {
        termOf[i] = id;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const order = new Uint32Array(distinct);
  for (let t = 0; t < distinct; t++) order[t] = t;
  order.sort((a, b) => compareHash(firstHi[a] as number, firstLo[a] as number, firstHi[b] as number, firstLo[b] as number));
  const rank = new Uint32Array(distinct);
  const termHi = new Uint32Array(distinct);
  const termLo = new Uint32Array(distinct);
  for (let r = 0; r < distinct; r++) {
    const t = order[r] as number;
    rank[t] = r;
    termHi[r] = firstHi[t] as number;
    termLo[r] = firstLo[t] as number;
  }
  for (let i = 0; i < total; i++) termOf[i] = rank[termOf[i] as number] as number;
  return { termOf, termHi, termLo };
}
