import type { AnnGraph } from './ann-graph.js';
import { dotAt, TopK } from './top-k.js';

/** One search result: the item's key and its dot product with the query (the cosine, for unit vectors). */
export interface VectorHit {
  readonly key: string;
  readonly score: number;
}

export interface VectorIndexOptions {
  readonly dims: number;
  /**
   * An approximate graph used once the index is large (`exactMaxWork`); its
   * candidates are re-scored exactly. Without one, every search is exact.
   */
  readonly graph?: AnnGraph;
  /** Exact search while live items × dims stays at or below this (default 4M: ~3 ms on one core). */
  readonly exactMaxWork?: number;
  /** Graph candidates re-scored per search: max(this, 5 × k). */
  readonly rescoreCandidates?: number;
  /** Items to make room for at once (a full build knows its count; growing by doubling can waste half). */
  readonly initialCapacity?: number;
}

/**
 * Vectors of many items in one contiguous Float32Array, searched by dot
 * product. `remove` leaves a tombstone; the array is compacted when a
 * quarter is dead. Graph ids are stable across compaction (an id is never
 * reused), so the graph needs no rebuild.
 */
export class VectorIndex {
  readonly dims: number;
  private data: Float32Array;
  private slotKeys: (string | undefined)[] = [];
  private slotIds: number[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly slotOfId = new Map<number, number>();
  private used = 0;
  private dead = 0;
  private nextId = 0;
  private readonly exactMaxWork: number;
  private readonly rescore: number;

  constructor(private readonly options: VectorIndexOptions) {
    if (!Number.isInteger(options.dims) || options.dims < 1) throw new RangeError(`dims must be a positive integer, got ${options.dims}`);
    this.dims = options.dims;
    this.data = new Float32Array(this.dims * Math.max(64, options.initialCapacity ?? 0));
    this.exactMaxWork = options.exactMaxWork ?? 4_000_000;
    this.rescore = options.rescoreCandidates ?? 100;
  }

  /** Live items. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Bytes held by the float vectors (the graph's own copy is extra). */
  get vectorBytes(): number {
    return this.data.byteLength;
  }

  has(key: string): boolean {
    return this.slotOf.has(key);
  }

  /** Adds or replaces `key`'s vector (copied; expected unit length). */
  add(key: string, vector: Float32Array): void {
    this.addMany([{ key, vector }]);
  }

  /** Adds or replaces several at once; the graph takes them in one call, which is faster than one by one. */
  addMany(items: readonly { key: string; vector: Float32Array }[]): void {
    for (const { key, vector } of items) {
      if (vector.length !== this.dims) throw new RangeError(`vector for ${JSON.stringify(key)} has ${vector.length} dimensions, the index ${this.dims}`);
    }
    if (this.used + items.length > this.capacity) this.grow(this.used + items.length);
    const ids: number[] = [];
    const block = new Float32Array(items.length * this.dims);
    for (const [i, { key, vector }] of items.entries()) {
      this.remove(key);
      if (this.used === this.capacity) this.grow();
      ids.push(this.place(key, vector));
      block.set(vector, i * this.dims);
    }
    if (this.options.graph && ids.length > 0) this.options.graph.add(ids, block);
  }

  /**
   * Fills a new, empty index whose graph already holds `items` (it was
   * loaded from disk) under their `id`s (by default item i gets id i, as
   * `addMany` on an empty index gives them); ids must increase. Only the
   * float vectors are stored — the graph is not touched. Later items get ids
   * from `nextId` on (default: one past the last), so an id the graph once
   * held is not given to another vector. The caller has checked that the
   * graph was saved from these same id → vector pairs.
   */
  adopt(items: readonly { key: string; vector: Float32Array; id?: number }[], nextId?: number): void {
    if (this.nextId !== 0) throw new Error('adopt needs an empty index: its ids must be the ones the loaded graph holds');
    const keys = new Set<string>();
    let last = -1;
    for (const [i, { key, vector, id = i }] of items.entries()) {
      if (vector.length !== this.dims) throw new RangeError(`vector for ${JSON.stringify(key)} has ${vector.length} dimensions, the index ${this.dims}`);
      if (keys.has(key)) throw new Error(`adopt: key ${JSON.stringify(key)} appears twice`);
      if (!Number.isSafeInteger(id) || id <= last) throw new Error(`adopt: ids must increase (${id} after ${last})`);
      keys.add(key);
      last = id;
    }
    if (nextId !== undefined && nextId <= last) throw new Error(`adopt: nextId ${nextId} is not past the last id ${last}`);
    if (items.length > this.capacity) this.grow(items.length);
    for (const [i, { key, vector, id = i }] of items.entries()) {
      this.nextId = id;
      this.place(key, vector);
    }
    this.nextId = nextId ?? last + 1;
  }

  /** The graph id the next added item gets (ids are never reused). */
  get nextGraphId(): number {
    return this.nextId;
  }

  /** Stores `vector` under `key` in the next slot with the next graph id, and returns the id (capacity checked by the caller). */
  private place(key: string, vector: Float32Array): number {
    const slot = this.used++;
    const id = this.nextId++;
    this.data.set(vector, slot * this.dims);
    this.slotKeys[slot] = key;
    this.slotIds[slot] = id;
    this.slotOf.set(key, slot);
    this.slotOfId.set(id, slot);
    return id;
  }

  /**
   * The live items as the graph holds them, by increasing graph id (slots
   * are in id order: a new item takes a new slot at the end with a new id,
   * and compaction keeps the order). Vectors are views: do not keep them.
   */
  *graphEntries(): Generator<{ id: number; key: string; vector: Float32Array }> {
    for (let slot = 0; slot < this.used; slot++) {
      const key = this.slotKeys[slot];
      if (key === undefined) continue;
      yield { id: this.slotIds[slot] as number, key, vector: this.data.subarray(slot * this.dims, (slot + 1) * this.dims) };
    }
  }

  /** The approximate graph, when there is one. */
  get graph(): AnnGraph | undefined {
    return this.options.graph;
  }

  /**
   * `addMany` in chunks with a turn of the event loop between them: the graph
   * insert is synchronous native work (about 0.3 ms per 1,024-dimension
   * vector on one idle core), so a 50,000-item build must not hold the
   * process for seconds while turns are being answered.
   */
  async addInChunks(items: readonly { key: string; vector: Float32Array }[], signal?: AbortSignal, chunk = 256): Promise<void> {
    for (let i = 0; i < items.length; i += chunk) {
      signal?.throwIfAborted();
      this.addMany(items.slice(i, i + chunk));
      if (i + chunk < items.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Forgets `key`; false when it was not there. */
  remove(key: string): boolean {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return false;
    const id = this.slotIds[slot] as number;
    this.slotOf.delete(key);
    this.slotOfId.delete(id);
    this.slotKeys[slot] = undefined;
    this.options.graph?.remove(id);
    this.dead++;
    if (this.dead > 1024 && this.dead * 4 > this.used) this.compact();
    return true;
  }

  /** The vector stored for `key` (a view into the index: copy it before keeping it). */
  vectorOf(key: string): Float32Array | undefined {
    const slot = this.slotOf.get(key);
    return slot === undefined ? undefined : this.data.subarray(slot * this.dims, (slot + 1) * this.dims);
  }

  /**
   * The `k` items with the highest dot product with `query`, best first,
   * among those `accept` lets through. Exact for small indexes; above
   * `exactMaxWork`, graph candidates re-scored exactly — and an exact scan
   * when a selective filter leaves too few of them.
   */
  search(query: Float32Array, k: number, accept?: (key: string) => boolean): VectorHit[] {
    if (query.length !== this.dims) throw new RangeError(`query has ${query.length} dimensions, the index ${this.dims}`);
    if (k <= 0 || this.size === 0) return [];
    const graph = this.options.graph;
    if (graph && this.size * this.dims > this.exactMaxWork) {
      const hits = this.rescored(graph.candidates(query, Math.max(this.rescore, 5 * k)), query, k, accept);
      if (hits.length >= Math.min(k, this.size)) return hits;
    }
    return this.exact(query, k, accept);
  }

  /** Exact top-k over every live item (also the reference the benchmark measures recall against). */
  exact(query: Float32Array, k: number, accept?: (key: string) => boolean): VectorHit[] {
    const top = new TopK(k);
    const dims = this.dims;
    for (let slot = 0; slot < this.used; slot++) {
      const key = this.slotKeys[slot];
      if (key === undefined || (accept && !accept(key))) continue;
      const score = dotAt(this.data, slot * dims, query);
      if (score > top.floor) top.offer(slot, score);
    }
    return this.hits(top);
  }

  private rescored(ids: number[], query: Float32Array, k: number, accept?: (key: string) => boolean): VectorHit[] {
    const top = new TopK(k);
    for (const id of ids) {
      const slot = this.slotOfId.get(id);
      if (slot === undefined) continue;
      if (accept && !accept(this.slotKeys[slot] as string)) continue;
      top.offer(slot, dotAt(this.data, slot * this.dims, query));
    }
    return this.hits(top);
  }

  private hits(top: TopK): VectorHit[] {
    return top.sorted().map(({ slot, score }) => ({ key: this.slotKeys[slot] as string, score }));
  }

  private get capacity(): number {
    return this.data.length / this.dims;
  }

  private grow(atLeast = 0): void {
    const bigger = new Float32Array(Math.max(64, this.capacity * 2, atLeast) * this.dims);
    bigger.set(this.data.subarray(0, this.used * this.dims));
    this.data = bigger;
  }

  /** Moves live vectors down over the tombstones, keeping their graph ids. */
  private compact(): void {
    let to = 0;
    for (let from = 0; from < this.used; from++) {
      const key = this.slotKeys[from];
      if (key === undefined) continue;
      if (to !== from) {
        this.data.copyWithin(to * this.dims, from * this.dims, (from + 1) * this.dims);
        this.slotKeys[to] = key;
        this.slotIds[to] = this.slotIds[from] as number;
      }
      this.slotOf.set(key, to);
      this.slotOfId.set(this.slotIds[to] as number, to);
      to++;
    }
    this.slotKeys.length = to;
    this.slotIds.length = to;
    this.used = to;
    this.dead = 0;
  }
}
