import { createHash } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';
import { join } from 'node:path';
import { raceAbort } from '../../application/abortable.js';
import type { KnowledgeBasePort, RecallQuery } from '../../application/ports/knowledge-base.port.js';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { RecallResult } from '../../domain/recall-result.js';
import { FolderWatcher } from './folder-watcher.js';
import type { IngestProblem, Reader } from './ingest/blocks.js';
import { buildIndex, type BuildProgress, type BuiltIndex } from './index/index-builder.js';
import { IndexBuildProcess } from './index/index-build-process.js';
import { IndexStore, type StoredIndex } from './index/index-store.js';
import { warmUp } from './index/warm-up.js';
import { KnowledgeIndex } from './index/knowledge-index.js';
import { TokenizePool } from './index/tokenize-pool.js';
import { type FusionSettings, hybridSearch, vectorItems } from './retrieval/hybrid-search.js';
import type { SemanticRetrieval } from './retrieval/semantic-retrieval.js';
import { defaultReaderFor } from './ingest/default-readers.js';

export interface LocalKnowledgeBaseOptions {
  /** A folder (read recursively) or one file (`KB_DIR`). */
  readonly dir: string;
  /** Where the persisted index lives (`KB_INDEX_DIR`); default `defaultIndexDir(dir)`. */
  readonly indexDir?: string;
  /** Documents returned at most (`KB_TOP_K`). */
  readonly topK: number;
  /** Longest passage, in characters (`KB_PASSAGE_CHARS`). */
  readonly passageChars: number;
  /** Re-index this long after the folder last changed (`KB_WATCH_DEBOUNCE_MS`); 0 or less: do not watch. */
  readonly watchDebounceMs: number;
  /** Larger files are skipped (`KB_MAX_FILE_BYTES`, default 32 MiB). */
  readonly maxFileBytes?: number;
  /** At most this many files are read (`KB_MAX_FILES`, default 100,000). */
  readonly maxFiles?: number;
  readonly log: LoggerPort;
  /** Told how every build is getting on (the CLI's progress line). */
  readonly onProgress?: (p: BuildProgress) => void;
  /** Embeddings and a reranker (`EMBEDDINGS_*`, `RERANK_*`): fused with the lexical index when set. */
  readonly semantic?: SemanticRetrieval;
  readonly fusion?: FusionSettings;
  /**
   * The format readers, by path (tests may pass their own). With the default
   * readers a build runs in a child process; with others (functions cannot
   * cross to it) in this process, on worker threads.
   */
  readonly readerFor?: (path: string) => Reader | undefined;
  /** A file still being read after this long is skipped with that reason (default 180 s). */
  readonly fileTimeoutMs?: number;
  /** A build process silent this long is killed and the build reported failed (default 120 s). */
  readonly buildStallMs?: number;
}

/** What the index currently holds, for `/ready`, logs and the CLI. */
export interface LocalKnowledgeBaseStats {
  readonly ready: boolean;
  readonly files: number;
  readonly documents: number;
  readonly passages: number;
  readonly faqs: number;
  /** Files or lines skipped, and why. */
  readonly skipped: number;
  readonly builtAt?: string;
  readonly buildMs?: number;
  /** Files read by the last build (the rest were unchanged and reused). */
  readonly lastFilesRead?: number;
  readonly building: boolean;
}

/**
 * The embedded knowledge base: a persisted index over a folder of documents
 * and FAQ entries. At start the last complete index on disk is served at once
 * and then brought up to date with the folder (only changed files are read);
 * the folder is watched and re-indexed the same way. A new index is swapped
 * in with one assignment, so a call uses the old or the new one, never half;
 * calls keep being answered from the old one while a build runs.
 */
export class LocalKnowledgeBase implements KnowledgeBasePort {
  private current: { index: KnowledgeIndex; stored: StoredIndex } | undefined;
  private stats_: LocalKnowledgeBaseStats = { ready: false, files: 0, documents: 0, passages: 0, faqs: 0, skipped: 0, building: false };
  private building: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly firstBuild: Promise<void>;
  private readonly watcher: FolderWatcher | undefined;
  private readonly store: IndexStore;
  readonly indexDir: string;
  /** Problems already logged (source → reason): a file that stays bad is logged once, not at every build. */
  private logged = new Map<string, string>();
  private problems_: readonly IngestProblem[] = [];
  /** Files read by every build since start (the CLI reports it). */
  filesReadTotal = 0;
  /** The index generation whose vectors the semantic side holds. */
  private vectorsOf: KnowledgeIndex | undefined;
  private embedding: AbortController | undefined;
  /** The tokenizer threads of an in-process build running, if any. */
  private tokenizer: TokenizePool | undefined;
  /** The build process running, if any. */
  private buildProcess: IndexBuildProcess | undefined;
  private closed = false;

  constructor(private readonly options: LocalKnowledgeBaseOptions) {
    this.indexDir = options.indexDir ?? defaultIndexDir(options.dir);
    this.store = new IndexStore(this.indexDir);
    this.firstBuild = this.start();
    this.watcher =
      options.watchDebounceMs > 0
        ? new FolderWatcher(options.dir, options.watchDebounceMs, () => void this.rebuild(), options.log)
        : undefined;
  }

  async recall(query: RecallQuery, signal: AbortSignal): Promise<RecallResult> {
    if (!this.current) await raceAbort(this.firstBuild, signal);
    signal.throwIfAborted();
    const index = this.current?.index;
    if (!index) return { docs: [], ok: false };
    const { topK, semantic } = this.options;
    // Candidates only: whether they cover the question (KB_MIN_SCORE, or the reranker's own) is the use case's call.
    const options = { topK, spaces: query.businessKeys };
    // Vectors join a generation once it is embedded; until then (or without a model) the turn is lexical.
    if (semantic && this.vectorsOf === index) {
      return { docs: await hybridSearch(index, semantic, this.options.fusion ?? DEFAULT_FUSION, query.text, options, signal), ok: true };
    }
    return { docs: index.search(query.text, options), ok: true };
  }

  /** The index in use (the CLI searches it exactly as a call would). */
  index(): KnowledgeIndex | undefined {
    return this.current?.index;
  }

  /** Resolves once the first index is in use (loaded from disk or built). */
  whenReady(): Promise<void> {
    return this.firstBuild;
  }

  ready(): boolean {
    return this.current !== undefined;
  }

  /** The readiness probe's view (`HealthCheck` port). */
  async health(): Promise<{ ok: boolean; detail: string }> {
    const s = this.stats_;
    if (!s.ready) return { ok: false, detail: 'knowledge index not built yet' };
    return {
      ok: true,
      detail: `${s.files} files, ${s.documents} documents, ${s.passages} passages, ${s.faqs} FAQ entries, ${s.skipped} skipped, built ${s.builtAt}${s.building ? ', re-indexing' : ''}${this.semanticDetail()}`,
    };
  }

  /** The semantic side in `/ready`: whether its models answer and whether vectors are in use (never fails readiness: turns fall back to lexical). */
  private semanticDetail(): string {
    const semantic = this.options.semantic;
    if (!semantic) return '';
    const r = semantic.ready;
    const state = (x: typeof r.embeddings) => (x === 'off' ? 'off' : x.state);
    const vectors = semantic.embeddingsEnabled ? (this.vectorsOf === this.current?.index ? `${r.vectors} vectors in use` : 'vectors being built') : 'no vectors';
    return `; embeddings ${state(r.embeddings)}, rerank ${state(r.rerank)}, ${vectors}`;
  }

  stats(): LocalKnowledgeBaseStats {
    return this.stats_;
  }

  /** The index in use as gauges read when scraped (`kind`: files, documents, passages, faq_entries, skipped), and the semantic side's metrics. */
  registerMetrics(registry: Registry): void {
    const stats = () => this.stats_;
    new Gauge({
      name: 'yishiting_bot_kb_index_size',
      help: 'The embedded knowledge index in use, by kind: files, documents, passages, faq_entries, skipped (files or lines left out, see /ready and npm run kb -- status)',
      labelNames: ['kind'] as const,
      registers: [registry],
      collect() {
        const s = stats();
        this.set({ kind: 'files' }, s.files);
        this.set({ kind: 'documents' }, s.documents);
        this.set({ kind: 'passages' }, s.passages);
        this.set({ kind: 'faq_entries' }, s.faqs);
        this.set({ kind: 'skipped' }, s.skipped);
      },
    });
    this.options.semantic?.registerMetrics(registry);
  }

  /** What was skipped by the index in use, and why. */
  problems(): readonly IngestProblem[] {
    return this.problems_;
  }

  /**
   * Brings the index up to date with the folder; resolves when done. Calls
   * during a build are folded into one more build after it.
   */
  rebuild(onProgress?: (p: BuildProgress) => void): Promise<void> {
    if (!this.building) {
      this.building = this.buildOnce(onProgress).finally(() => (this.building = undefined));
      return this.building;
    }
    this.queued ??= this.building.then(() => {
      this.queued = undefined;
      return this.rebuild(onProgress);
    });
    return this.queued;
  }

  close(): void {
    this.closed = true;
    this.buildProcess?.stop();
    this.watcher?.close();
    this.embedding?.abort();
    void this.tokenizer?.close();
    this.tokenizer = undefined;
  }

  private async start(): Promise<void> {
    const { dir, log } = this.options;
    try {
      const stored = await this.store.load(dir);
      if (stored) {
        this.use(stored, knowledgeIndexOf(stored), 0);
        log.info('knowledge index loaded', { dir, indexDir: this.indexDir, ...this.stats_ });
      }
    } catch (error) {
      log.warn('persisted knowledge index unreadable; rebuilding', { indexDir: this.indexDir, error: (error as Error).message });
    }
    // Served from disk already (when there was an index): now catch up with the folder.
    const catchUp = this.rebuild();
    if (!this.current) await catchUp;
  }

  private async buildOnce(onProgress?: (p: BuildProgress) => void): Promise<void> {
    const { dir, log } = this.options;
    if (this.closed) return;
    this.stats_ = { ...this.stats_, building: true };
    const progress = (p: BuildProgress) => {
      onProgress?.(p);
      this.options.onProgress?.(p);
      if (p.filesDone < p.filesTotal) log.info('knowledge indexing', progressFields(p));
    };
    try {
      const built = this.options.readerFor ? await this.buildHere(progress) : await this.buildInChild(progress);
      this.filesReadTotal += built.filesRead;
      // Nothing changed: the index in use stays, with its vectors (re-making it would re-build the vector graph).
      if (built.changed || !this.current) {
        const stored = built.stored ?? (await this.store.load(dir));
        if (!stored) throw new Error(`the build finished but ${this.indexDir} holds no current index for ${dir}`);
        this.use(stored, built.index ?? knowledgeIndexOf(stored), built.filesRead);
      } else this.stats_ = { ...this.stats_, lastFilesRead: 0 };
      if (built.changed) log.info('knowledge index built', { dir, ...this.stats_ });
    } catch (error) {
      if (this.closed) return;
      // Keep serving the previous index, if any: a folder mid-rename is no reason to forget everything.
      log.error('knowledge index build failed', { dir, error: (error as Error).message });
    } finally {
      void this.tokenizer?.close();
      this.tokenizer = undefined;
      this.buildProcess = undefined;
      this.stats_ = { ...this.stats_, building: false };
    }
  }

  /**
   * The build in a child process (the default readers): reading, tokenizing
   * and inverting there, so what they allocate leaves with it; this process
   * then loads the generation it made current, as a restart does
   * (measured at 50,000 passages: 842 MB resident after an in-process first
   * build, 272 MB after loading the same generation).
   */
  private async buildInChild(onProgress: (p: BuildProgress) => void): Promise<BuildOutcome> {
    this.buildProcess = new IndexBuildProcess({
      request: {
        dir: this.options.dir,
        indexDir: this.indexDir,
        passageChars: this.options.passageChars,
        limits: this.limits(),
        progressEveryMs: 2000,
        fileTimeoutMs: this.options.fileTimeoutMs ?? 180_000,
      },
      onProgress,
      stallMs: this.options.buildStallMs ?? 120_000,
    });
    return await this.buildProcess.done;
  }

  /** The build in this process, on worker threads (readers passed in: they cannot cross to a child). */
  private async buildHere(onProgress: (p: BuildProgress) => void): Promise<BuildOutcome> {
    const built: BuiltIndex = await buildIndex({
      dir: this.options.dir,
      store: this.store,
      passageChars: this.options.passageChars,
      limits: this.limits(),
      readerFor: this.options.readerFor ?? defaultReaderFor,
      tokenizer: (this.tokenizer = new TokenizePool(undefined, this.options.fileTimeoutMs ?? 180_000)),
      ...(this.current ? { previous: this.current.stored } : {}),
      onProgress,
    });
    // The threads go before the new index is used: each holds a heap of its own.
    await this.tokenizer?.close();
    this.tokenizer = undefined;
    return { changed: built.changed, filesRead: built.filesRead, stored: built, index: built.index };
  }

  private limits() {
    return { maxFileBytes: this.options.maxFileBytes ?? 32 * 1024 * 1024, maxFiles: this.options.maxFiles ?? 100_000 };
  }

  /**
   * Embeds a generation's passages and FAQ questions in the background
   * (the vector cache in the index folder: a restart re-embeds nothing) and
   * makes it hybrid once done, if it is still the one in use.
   */
  private embed(index: KnowledgeIndex): void {
    const semantic = this.options.semantic;
    if (!semantic?.embeddingsEnabled) {
      if (semantic) this.vectorsOf = index; // a reranker alone still reorders the lexical list
      return;
    }
    this.embedding?.abort();
    const controller = new AbortController();
    this.embedding = controller;
    const log = this.options.log;
    const items = vectorItems(index);
    void semantic
      .buildVectorIndex(items, this.indexDir, {
        signal: controller.signal,
        onProgress: (p) => log.info('knowledge embedding', { ...p }),
      })
      .then(({ index: vectors, report }) => {
        if (controller.signal.aborted || this.current?.index !== index) return;
        semantic.useIndex(vectors);
        this.vectorsOf = index;
        log.info('knowledge vectors ready', {
          items: items.length,
          embedded: report.embedded,
          reused: report.reused,
          missing: report.missing.length,
          ...(report.graph ? { graph: report.graph } : {}),
          ...(report.error ? { error: report.error } : {}),
        });
      })
      .catch((error: Error) => {
        if (!controller.signal.aborted) log.warn('knowledge embedding failed; answering from the lexical index', { error: error.message });
      });
  }

  private use(stored: StoredIndex, index: KnowledgeIndex, filesRead: number): void {
    const problems = [...stored.manifest.problems, ...stored.manifest.files.flatMap((f) => f.problems)];
    const logged = new Map<string, string>();
    for (const p of problems) {
      if (this.logged.get(p.source) !== p.reason) this.options.log.warn('knowledge file skipped', { file: p.source, reason: p.reason });
      logged.set(p.source, p.reason);
    }
    this.logged = logged;
    this.problems_ = problems;
    // The process's first index: its first searches would run cold on the first calls (later generations run warm code).
    if (!this.current) warmUp(index);
    this.current = { index, stored };
    this.embed(index);
    this.stats_ = {
      ready: true,
      files: stored.manifest.files.length,
      documents: index.documents,
      passages: index.passages.length,
      faqs: index.faqs.length,
      skipped: problems.length,
      builtAt: stored.manifest.builtAt,
      buildMs: stored.manifest.buildMs,
      lastFilesRead: filesRead,
      building: this.stats_.building,
    };
  }
}

/** What a build hands back: the loaded generation when it ran here, only counts when it ran in a child. */
interface BuildOutcome {
  readonly changed: boolean;
  readonly filesRead: number;
  readonly stored?: StoredIndex;
  readonly index?: KnowledgeIndex;
}

function knowledgeIndexOf(stored: StoredIndex): KnowledgeIndex {
  const faqs = stored.manifest.files.flatMap((f) => f.faqs);
  const documents = stored.manifest.files.reduce((n, f) => n + f.documents, 0);
  return new KnowledgeIndex(stored.passages, stored.lexical, faqs, documents);
}

const DEFAULT_FUSION: FusionSettings = { lexicalWeight: 1, vectorWeight: 1, k: 60 };

/** The progress line's fields: files and passages done, rate, time left. */
export function progressFields(p: BuildProgress): Record<string, number | string> {
  return {
    files: `${p.filesDone}/${p.filesTotal}`,
    read: p.filesRead,
    passages: p.passages,
    filesPerSecond: Math.round(p.rate * 10) / 10,
    secondsLeft: Math.round(p.etaMs / 1000),
  };
}

/** The default index folder for `KB_DIR`: one per folder, under `<DATA_DIR>/kb-index` (`./data` by default). */
/** Where the index of `kb.dir` lives: `KB_INDEX_DIR`, else under `DATA_DIR` — the service and the `kb` CLI both ask this. */
export function kbIndexDir(kb: { readonly dir: string; readonly indexDir?: string }, dataDir: string): string {
  return kb.indexDir ?? defaultIndexDir(kb.dir, dataDir);
}

export function defaultIndexDir(kbDir: string, dataDir = join(process.cwd(), 'data')): string {
  return join(dataDir, 'kb-index', createHash('sha256').update(kbDir).digest('hex').slice(0, 12));
}
