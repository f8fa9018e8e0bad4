import { Counter, Gauge, type Registry } from 'prom-client';
import type { LoggerPort } from '../../../application/ports/logger.port.js';
import type { SemanticConfig } from '../../../config/sections/semantic.section.js';
import { loadAnnGraphFactory, type AnnGraphFactory } from './ann-graph.js';
import { embedItems, type EmbedItem, type EmbedProgress } from './embed-items.js';
import { EmbeddingsClient } from './embeddings-client.js';
import { GraphStore, type GraphReport } from './graph-store.js';
import { RemoteHealth, type RemoteHealthSnapshot } from './remote-health.js';
import { RerankClient } from './rerank-client.js';
import { VectorCache } from './vector-cache.js';
import { VectorIndex, type VectorHit } from './vector-index.js';

/** A candidate handed to the reranker, and what comes back. */
export interface RerankCandidate {
  readonly id: string;
  readonly text: string;
}
export interface RerankedCandidate {
  readonly id: string;
  /** On the reranker's scale: compare with `rerankMinScore` / `rerankFaqDirectScore`. */
  readonly score: number;
}

/** What `buildVectorIndex` / `addItems` did. */
export interface VectorBuildReport {
  readonly embedded: number;
  readonly reused: number;
  /** Item keys left without a vector (server down or failing); pass them to `addItems` later. */
  readonly missing: string[];
  readonly error?: string;
  /** Where the approximate graph came from (loaded, updated in place, built, or none). */
  readonly graph?: GraphReport;
}

/** Overrides for tests and benchmarks. */
export interface SemanticRetrievalOverrides {
  /** The graph factory (default: usearch with `DEFAULT_ANN_SETTINGS`). */
  readonly graphs?: AnnGraphFactory;
  /** Passed to every `VectorIndex` (0: always search through the graph). */
  readonly exactMaxWork?: number;
}

/**
 * The one entry point the knowledge base uses for semantic retrieval.
 * Remote failures never throw past it (only the caller's abort does): a
 * failed question embedding or rerank returns undefined, the turn drops that
 * source, and the outage is logged once (see `health`).
 */
export class SemanticRetrieval {
  private current: VectorIndex | undefined;
  private readonly embeddingsHealth: RemoteHealth;
  private readonly rerankHealth: RemoteHealth;
  private readonly graphStore: GraphStore | undefined;

  constructor(
    readonly config: SemanticConfig,
    private readonly log: LoggerPort,
    private readonly embeddings: EmbeddingsClient | undefined,
    private readonly reranker: RerankClient | undefined,
    private readonly graphs: AnnGraphFactory | undefined,
    private readonly exactMaxWork?: number,
  ) {
    this.embeddingsHealth = new RemoteHealth('embeddings server', log);
    this.rerankHealth = new RemoteHealth('rerank server', log);
    if (graphs && embeddings) this.graphStore = new GraphStore(graphs, embeddings.model, embeddings.passagePrefix, log, this.indexOptions());
  }

  /** Built from the `semantic` config section; undefined when neither embeddings nor a reranker is configured. */
  static fromConfig(config: SemanticConfig, log: LoggerPort, overrides: SemanticRetrievalOverrides = {}): SemanticRetrieval | undefined {
    if (!config.enabled) return undefined;
    const e = config.embeddings;
    const embeddings = e
      ? new EmbeddingsClient({
          baseUrl: e.baseUrl,
          model: e.model,
          apiKey: e.apiKey,
          queryPrefix: e.queryPrefix,
          passagePrefix: e.passagePrefix,
          batchSize: e.batchSize,
          concurrency: e.concurrency,
          queryTimeoutMs: e.timeoutMs,
          batchTimeoutMs: e.indexTimeoutMs,
          retry: { maxRetries: e.maxRetries },
          log,
        })
      : undefined;
    const r = config.rerank;
    const reranker = r ? new RerankClient({ baseUrl: r.baseUrl, model: r.model, apiKey: r.apiKey, format: r.format, timeoutMs: r.timeoutMs }) : undefined;
    let graphs: AnnGraphFactory | undefined;
    if (embeddings) {
      const factory = overrides.graphs ?? loadAnnGraphFactory();
      if ('error' in factory) log.warn('approximate vector index unavailable; vector search is exact (slower past ~4,000 passages)', { error: factory.error });
      else graphs = factory;
    }
    return new SemanticRetrieval(config, log, embeddings, reranker, graphs, overrides.exactMaxWork);
  }

  /**
   * Metrics read when scraped: each configured model up (1) or down (0), its
   * failed calls (the turns they hit fell back to the lexical side, or kept
   * the fused order), and the vectors in use.
   */
  registerMetrics(registry: Registry): void {
    const models = (): [string, RemoteHealth][] => [
      ...(this.embeddings ? [['embeddings', this.embeddingsHealth] as [string, RemoteHealth]] : []),
      ...(this.reranker ? [['rerank', this.rerankHealth] as [string, RemoteHealth]] : []),
    ];
    new Gauge({
      name: 'yishiting_bot_semantic_model_up',
      help: 'Semantic retrieval models by model (embeddings, rerank): 1 when the last call succeeded, 0 while failing (turns then use the lexical path)',
      labelNames: ['model'] as const,
      registers: [registry],
      collect() {
        for (const [model, health] of models()) this.set({ model }, health.snapshot.state === 'up' ? 1 : 0);
      },
    });
    new Counter({
      name: 'yishiting_bot_semantic_model_failures_total',
      help: 'Failed calls to the embeddings or rerank server (timeouts, errors, bad replies), while indexing and in turns',
      labelNames: ['model'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [model, health] of models()) this.inc({ model }, health.totalFailures);
      },
    });
    const vectors = () => this.current?.size ?? 0;
    new Gauge({
      name: 'yishiting_bot_semantic_vectors',
      help: 'Vectors (passages and FAQ questions) in the vector index turns search now; 0 while the first are being built',
      registers: [registry],
      collect() {
        this.set(vectors());
      },
    });
  }

  /** Whether each part is configured, and how it is doing: for `/ready`'s detail. */
  get ready(): { embeddings: RemoteHealthSnapshot | 'off'; rerank: RemoteHealthSnapshot | 'off'; vectors: number } {
    return {
      embeddings: this.embeddings ? this.embeddingsHealth.snapshot : 'off',
      rerank: this.reranker ? this.rerankHealth.snapshot : 'off',
      vectors: this.current?.size ?? 0,
    };
  }

  get embeddingsEnabled(): boolean {
    return this.embeddings !== undefined;
  }
  get rerankEnabled(): boolean {
    return this.reranker !== undefined;
  }

  /** The question's vector, or undefined when embeddings are off or failed this turn. Rejects only on `signal`. */
  async embedQuery(text: string, signal: AbortSignal): Promise<Float32Array | undefined> {
    if (!this.embeddings) return undefined;
    try {
      const vector = await this.embeddings.embedQuery(text, signal);
      this.embeddingsHealth.succeeded();
      return vector;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      this.embeddingsHealth.failed((error as Error).message, { during: 'question' });
      return undefined;
    }
  }

  /** The `k` nearest items of the index in use (see `useIndex`); [] without one or on a dimension mismatch. */
  searchVectors(queryVector: Float32Array, k: number, filter?: (key: string) => boolean): VectorHit[] {
    const index = this.current;
    if (!index) return [];
    if (queryVector.length !== index.dims) {
      this.embeddingsHealth.failed(`question vector has ${queryVector.length} dimensions, the index ${index.dims} (model changed? rebuild the index)`);
      return [];
    }
    return index.search(queryVector, k, filter);
  }

  /**
   * The first `topN` candidates (default `RERANK_TOP_N`) reordered by the
   * reranker, best first, with its scores; undefined when reranking is off or
   * failed this turn (keep the fused order). Rejects only on `signal`.
   */
  async rerank(query: string, candidates: readonly RerankCandidate[], topN: number | undefined, signal: AbortSignal): Promise<RerankedCandidate[] | undefined> {
    if (!this.reranker || candidates.length === 0) return undefined;
    const sent = candidates.slice(0, topN ?? this.config.rerank?.topN ?? candidates.length);
    try {
      const scores = await this.reranker.rerank(query, sent.map((c) => c.text), sent.length, signal);
      this.rerankHealth.succeeded();
      return scores.map(({ index, score }) => ({ id: (sent[index] as RerankCandidate).id, score }));
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      this.rerankHealth.failed((error as Error).message, { candidates: sent.length });
      return undefined;
    }
  }

  /**
   * Embeds every item (reusing `<cacheDir>/vectors.sqlite`) into a new index,
   * prunes the cache to these items, and returns both; the index is not used
   * until `useIndex`, so the caller swaps it in with its lexical index. Items
   * that could not be embedded are in `report.missing`.
   *
   * The approximate graph is the one saved in `<cacheDir>/vectors.graph`
   * when it was built with these settings, model and usearch version and its
   * files check out: as it is when it holds exactly these vectors, else
   * updated in place (the vectors no item has any more removed, the new ones
   * added) and saved again; it is built by adding every vector only when
   * there is none, it is damaged, or too much changed (see `GraphStore`).
   */
  async buildVectorIndex(
    items: readonly EmbedItem[],
    cacheDir: string,
    options: { signal: AbortSignal; onProgress?: (progress: EmbedProgress) => void },
  ): Promise<{ index: VectorIndex | undefined; report: VectorBuildReport }> {
    if (!this.embeddings) return { index: undefined, report: { embedded: 0, reused: 0, missing: items.map((i) => i.key) } };
    const cache = VectorCache.open(cacheDir);
    try {
      const result = await embedItems(items, cache, this.embeddings, { signal: options.signal, log: this.log, onProgress: options.onProgress });
      this.noteIndexing(result.error);
      // Only a complete build knows every key still in use; a partial one must not drop vectors it merely failed to reach.
      if (!result.error) {
        const pruned = cache.prune(result.cacheKeys);
        if (pruned > 0) this.log.info('vector cache pruned', { removed: pruned });
      }
      const first = result.vectors.values().next().value;
      // A vector of another dimension (a server that changed under us) would not fit the index; it is left missing.
      const fitting = [...result.vectors].filter(([, v]) => v.length === first?.length).map(([key, vector]) => ({ key, vector }));
      const base = { embedded: result.embedded, reused: result.reused, missing: result.missing, ...(result.error ? { error: result.error } : {}) };
      if (!first) return { index: undefined, report: base };
      const { index, graph } = await this.indexOf(fitting, first.length, cacheDir, options.signal);
      return { index, report: { ...base, graph } };
    } finally {
      cache.close();
    }
  }

  /** A new index holding `items`, its graph through the store (loaded, updated or built) when there is one. */
  private async indexOf(items: readonly { key: string; vector: Float32Array }[], dims: number, cacheDir: string, signal: AbortSignal): Promise<{ index: VectorIndex; graph: GraphReport }> {
    if (this.graphStore) return await this.graphStore.indexOf(items, dims, cacheDir, signal);
    const index = this.newIndex(dims, items.length);
    await index.addInChunks(items, signal);
    return { index, graph: { source: 'none' } };
  }

  /** Embeds `items` (new, changed, or missing from an earlier build) and adds them to `index`, replacing same keys. */
  async addItems(index: VectorIndex, items: readonly EmbedItem[], cacheDir: string, options: { signal: AbortSignal; onProgress?: (progress: EmbedProgress) => void }): Promise<VectorBuildReport> {
    if (!this.embeddings) return { embedded: 0, reused: 0, missing: items.map((i) => i.key) };
    const cache = VectorCache.open(cacheDir);
    try {
      const result = await embedItems(items, cache, this.embeddings, { signal: options.signal, log: this.log, onProgress: options.onProgress });
      this.noteIndexing(result.error);
      const fitting = [...result.vectors].filter(([, v]) => v.length === index.dims).map(([key, vector]) => ({ key, vector }));
      const replaced = fitting.filter(({ key }) => index.has(key)).length;
      await index.addInChunks(fitting, options.signal);
      // The graph changed: save it once this batch of changes is in (not on every add).
      if (fitting.length > 0 && this.graphStore) {
        this.graphStore.noteReplaced(index, replaced);
        await this.graphStore.save(index, cacheDir);
      }
      return { embedded: result.embedded, reused: result.reused, missing: result.missing, ...(result.error ? { error: result.error } : {}) };
    } finally {
      cache.close();
    }
  }

  /** An empty index of `dims` dimensions, with the approximate graph when it loaded. */
  newIndex(dims: number, initialCapacity = 0): VectorIndex {
    return new VectorIndex({ dims, initialCapacity, ...(this.graphs ? { graph: this.graphs.create(dims) } : {}), ...this.indexOptions() });
  }

  private indexOptions(): { exactMaxWork?: number } {
    return this.exactMaxWork === undefined ? {} : { exactMaxWork: this.exactMaxWork };
  }

  /** Makes `index` the one `searchVectors` reads (undefined: none). */
  useIndex(index: VectorIndex | undefined): void {
    this.current = index;
  }

  private noteIndexing(error: string | undefined): void {
    if (error) this.embeddingsHealth.failed(error, { during: 'indexing' });
    else this.embeddingsHealth.succeeded();
  }
}
