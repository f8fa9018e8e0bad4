import type { LoggerPort } from '../../../application/ports/logger.port.js';
import type { AnnGraph, AnnGraphFactory } from './ann-graph.js';
import { planGraphUpdate, vectorHashes, type GraphEntry, type GraphUpdatePlan } from './graph-entries.js';
import { graphIdentity, loadGraphFile, readSavedGraph, saveGraph, type GraphIdentity, type GraphRefusal } from './graph-file.js';
import { VectorIndex } from './vector-index.js';

/**
 * Where an index's approximate graph came from: `loaded` from the file saved
 * beside the vector cache (nothing added to it), `updated` in place (that
 * file's graph, the vectors no item has any more removed and the new ones
 * added), `built` by adding every vector (`reason`: why the saved one was
 * not used), `none` without a graph.
 */
export interface GraphReport {
  readonly source: 'loaded' | 'updated' | 'built' | 'none';
  readonly reason?: string;
  readonly added?: number;
  readonly removed?: number;
}

/**
 * The share of the items past which the graph is rebuilt instead of updated
 * in place: vectors to remove and add now (adding a quarter costs a quarter
 * of a build anyway), or vectors removed in place since the last full build
 * (a removed vector's node stays in the graph, routing searches, until an
 * added one takes its slot: many removals wear the graph).
 */
const MAX_UPDATE_SHARE = 0.25;

type Item = { readonly key: string; readonly vector: Float32Array };

/**
 * Opens a `VectorIndex` over a list of items with the graph saved in the
 * cache folder when it can (loaded as it is, or updated in place when only
 * some vectors changed), else builds one; and saves an index's graph with
 * the entries (graph id → vector hash) that let the next generation reuse it.
 */
export class GraphStore {
  /** Vectors removed in place from each index's graph since it was built from empty. */
  private readonly removedInPlace = new WeakMap<VectorIndex, number>();

  constructor(
    private readonly graphs: AnnGraphFactory,
    private readonly model: string,
    private readonly passagePrefix: string,
    private readonly log: LoggerPort,
    private readonly indexOptions: { exactMaxWork?: number },
  ) {}

  /** A new index holding `items` (unique keys), its graph loaded, updated or built; saved unless loaded unchanged. */
  async indexOf(items: readonly Item[], dims: number, cacheDir: string, signal: AbortSignal): Promise<{ index: VectorIndex; graph: GraphReport }> {
    const identity = this.identity(dims);
    const hashes = await vectorHashes(items.map((i) => i.vector));
    const read = await readSavedGraph(cacheDir, identity);
    signal.throwIfAborted();
    if (!('saved' in read)) return await this.rebuilt(items, hashes, dims, cacheDir, signal, read);
    const plan = planGraphUpdate(read.saved.entries, hashes);
    const removedInPlace = read.saved.meta.removedInPlace + plan.removed.length;
    const limit = MAX_UPDATE_SHARE * items.length;
    if (plan.added.length + plan.removed.length > limit) {
      return await this.rebuilt(items, hashes, dims, cacheDir, signal, { reason: `${plan.removed.length} vectors to remove and ${plan.added.length} to add, more than a quarter of ${items.length}`, suspicious: false });
    }
    if (removedInPlace > limit) {
      return await this.rebuilt(items, hashes, dims, cacheDir, signal, { reason: `${removedInPlace} vectors removed in place since the graph was built, more than a quarter of ${items.length}`, suspicious: false });
    }
    const file = await loadGraphFile(cacheDir, this.graphs, identity, read.saved);
    signal.throwIfAborted();
    if (!('graph' in file)) return await this.rebuilt(items, hashes, dims, cacheDir, signal, file);
    try {
      return await this.updated(items, hashes, dims, cacheDir, signal, file.graph, read.saved.meta.nextId, plan, removedInPlace);
    } catch (error) {
      // The library refusing an update (a key it holds twice, a graph it cannot grow) costs a full rebuild, never the vectors.
      if (signal.aborted) throw error;
      return await this.rebuilt(items, hashes, dims, cacheDir, signal, { reason: `updating the saved graph in place failed: ${(error as Error).message}`, suspicious: true });
    }
  }

  /** `graph` (the saved one, verified) brought to `items` by `plan`: the gone ids removed, the new items added. */
  private async updated(
    items: readonly Item[],
    hashes: readonly Buffer[],
    dims: number,
    cacheDir: string,
    signal: AbortSignal,
    graph: AnnGraph,
    nextId: number,
    plan: GraphUpdatePlan,
    removedInPlace: number,
  ): Promise<{ index: VectorIndex; graph: GraphReport }> {
    for (const id of plan.removed) graph.remove(id);
    if (graph.size !== plan.kept.length) {
      return await this.rebuilt(items, hashes, dims, cacheDir, signal, { reason: `the saved graph holds ${graph.size} vectors after ${plan.removed.length} removed, its entries ${plan.kept.length}`, suspicious: true });
    }
    const index = new VectorIndex({ dims, initialCapacity: items.length, graph, ...this.indexOptions });
    index.adopt(
      plan.kept.map(({ item, id }) => ({ id, ...(items[item] as Item) })),
      nextId,
    );
    await index.addInChunks(
      plan.added.map((i) => items[i] as Item),
      signal,
    );
    signal.throwIfAborted();
    this.removedInPlace.set(index, removedInPlace);
    if (plan.added.length + plan.removed.length === 0) {
      this.log.info('vector graph loaded', { vectors: items.length, dir: cacheDir });
      return { index, graph: { source: 'loaded' } };
    }
    this.log.info('vector graph updated', { added: plan.added.length, removed: plan.removed.length, vectors: items.length, dir: cacheDir });
    const hashOf = new Map(items.map(({ key }, i) => [key, hashes[i] as Buffer]));
    await this.save(
      index,
      cacheDir,
      [...index.graphEntries()].map(({ id, key }) => ({ id, hash: hashOf.get(key) as Buffer })),
    );
    return { index, graph: { source: 'updated', added: plan.added.length, removed: plan.removed.length } };
  }

  /** A new index whose graph is built by adding every item (item i gets graph id i), saved for the next start. */
  private async rebuilt(items: readonly Item[], hashes: readonly Buffer[], dims: number, cacheDir: string, signal: AbortSignal, refusal: GraphRefusal): Promise<{ index: VectorIndex; graph: GraphReport }> {
    (refusal.suspicious ? this.log.warn : this.log.info).call(this.log, 'vector graph rebuilt from the cached vectors', { reason: refusal.reason, vectors: items.length });
    const index = new VectorIndex({ dims, initialCapacity: items.length, graph: this.graphs.create(dims), ...this.indexOptions });
    await index.addInChunks(items, signal);
    signal.throwIfAborted();
    this.removedInPlace.set(index, 0);
    // Built from `items` in order into an empty index: item i has graph id i, so the hashes are not computed again.
    const known = index.nextGraphId === items.length && index.size === items.length ? items.map((_, id) => ({ id, hash: hashes[id] as Buffer })) : undefined;
    await this.save(index, cacheDir, known);
    return { index, graph: { source: 'built', reason: refusal.reason } };
  }

  /** Notes that `count` vectors of `index`'s graph were replaced (removed and added again) since it was opened. */
  noteReplaced(index: VectorIndex, count: number): void {
    this.removedInPlace.set(index, (this.removedInPlace.get(index) ?? 0) + count);
  }

  /**
   * Saves `index`'s graph beside the vector cache (`known`: its entries by
   * increasing id, when the caller has them); a failure is logged (the next
   * start rebuilds), never thrown.
   */
  async save(index: VectorIndex, cacheDir: string, known?: readonly GraphEntry[]): Promise<void> {
    const graph = index.graph;
    if (!graph) return;
    try {
      const entries = known ?? (await this.entriesOf(index));
      if (entries.length !== index.size) throw new Error(`the entries list ${entries.length} vectors, the index holds ${index.size}`);
      if (graph.size !== entries.length) throw new Error(`the graph holds ${graph.size} vectors, the index ${entries.length}`);
      await saveGraph(cacheDir, graph, this.identity(index.dims), entries, { nextId: index.nextGraphId, removedInPlace: this.removedInPlace.get(index) ?? 0 });
    } catch (error) {
      this.log.warn('vector graph not saved; the next start rebuilds it', { dir: cacheDir, error: (error as Error).message });
    }
  }

  private async entriesOf(index: VectorIndex): Promise<GraphEntry[]> {
    const live = [...index.graphEntries()];
    const hashes = await vectorHashes(live.map((e) => e.vector));
    return live.map(({ id }, i) => ({ id, hash: hashes[i] as Buffer }));
  }

  private identity(dims: number): GraphIdentity {
    return graphIdentity(this.graphs, dims, this.model, this.passagePrefix);
  }
}
