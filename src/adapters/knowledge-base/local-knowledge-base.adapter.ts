import { raceAbort } from '../../application/abortable.js';
import type { KnowledgeBasePort, RecallQuery } from '../../application/ports/knowledge-base.port.js';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { RecallResult } from '../../domain/recall-result.js';
import { DEFAULT_WALK_LIMITS, loadDocuments } from './document-loader.js';
import { FolderWatcher } from './folder-watcher.js';
import { PassageIndex } from './passage-index.js';

export interface LocalKnowledgeBaseOptions {
  /** A folder (read recursively) or one `.md`/`.txt`/`.jsonl` file (`KB_DIR`). */
  readonly dir: string;
  /** Documents returned at most (`KB_TOP_K`). */
  readonly topK: number;
  /** Documents scoring below this (0..1) are not recalled (`KB_MIN_SCORE`). */
  readonly minScore: number;
  /** Longest passage, in characters, a long document is cut into (`KB_PASSAGE_CHARS`). */
  readonly passageChars: number;
  /** Rebuild this long after the folder last changed (`KB_WATCH_DEBOUNCE_MS`); 0 or less: do not watch. */
  readonly watchDebounceMs: number;
  /** Larger files are skipped (`KB_MAX_FILE_BYTES`). */
  readonly maxFileBytes?: number;
  /** At most this many files are read (`KB_MAX_FILES`). */
  readonly maxFiles?: number;
  readonly log: LoggerPort;
}

/** What the index currently holds, for `/ready` and logs. */
export interface LocalKnowledgeBaseStats {
  readonly ready: boolean;
  readonly documents: number;
  readonly passages: number;
  /** Files or lines skipped by the last build. */
  readonly skipped: number;
  /** When the index in use was built (ISO time), if it was. */
  readonly builtAt?: string;
  readonly buildMs?: number;
}

/**
 * The embedded knowledge base: a BM25 index over a folder of Markdown, text
 * and JSON Lines files, built at start-up and rebuilt when the folder
 * changes. A rebuild makes a whole new index and swaps it in with one
 * assignment, so a call in flight uses either the old or the new index, never
 * half of one; calls that arrive before the first build wait for it.
 */
export class LocalKnowledgeBase implements KnowledgeBasePort {
  private index: PassageIndex | undefined;
  private stats_: LocalKnowledgeBaseStats = { ready: false, documents: 0, passages: 0, skipped: 0 };
  private building: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  private readonly firstBuild: Promise<void>;
  private readonly watcher: FolderWatcher | undefined;
  /** Problems already logged (source → reason): a file that stays bad is logged once, not at every rebuild. */
  private logged = new Map<string, string>();

  constructor(private readonly options: LocalKnowledgeBaseOptions) {
    this.firstBuild = this.rebuild();
    this.watcher =
      options.watchDebounceMs > 0
        ? new FolderWatcher(options.dir, options.watchDebounceMs, () => void this.rebuild(), options.log)
        : undefined;
  }

  async recall(query: RecallQuery, signal: AbortSignal): Promise<RecallResult> {
    if (!this.index) await raceAbort(this.firstBuild, signal);
    signal.throwIfAborted();
    const index = this.index;
    if (!index) return { docs: [], ok: false };
    const { topK, minScore } = this.options;
    return { docs: index.search(query.text, { topK, minScore, spaces: query.businessKeys }), ok: true };
  }

  /** True once the first index is built (the service can answer from documents). */
  ready(): boolean {
    return this.index !== undefined;
  }

  /** The readiness probe's view (`HealthCheck` port): ready, and how many documents. */
  async health(): Promise<{ ok: boolean; detail: string }> {
    const s = this.stats_;
    if (!s.ready) return { ok: false, detail: 'knowledge index not built yet' };
    return { ok: true, detail: `${s.documents} documents, ${s.passages} passages, ${s.skipped} skipped, built ${s.builtAt}` };
  }

  stats(): LocalKnowledgeBaseStats {
    return this.stats_;
  }

  /**
   * Re-reads the folder and swaps in a new index; resolves when done. Calls
   * during a build are folded into one more build after it, so the result
   * always reflects the folder as it was at some point after the call.
   */
  rebuild(): Promise<void> {
    if (!this.building) {
      this.building = this.buildOnce().finally(() => (this.building = undefined));
      return this.building;
    }
    this.queued ??= this.building.then(() => {
      this.queued = undefined;
      return this.rebuild();
    });
    return this.queued;
  }

  /** Stops watching the folder. */
  close(): void {
    this.watcher?.close();
  }

  private async buildOnce(): Promise<void> {
    const { dir, log } = this.options;
    const started = performance.now();
    try {
      const { docs, problems } = await loadDocuments(dir, {
        maxFileBytes: this.options.maxFileBytes ?? DEFAULT_WALK_LIMITS.maxFileBytes,
        maxFiles: this.options.maxFiles ?? DEFAULT_WALK_LIMITS.maxFiles,
      });
      const index = await PassageIndex.build(docs, this.options.passageChars, (source, reason) => problems.push({ source, reason }));
      const logged = new Map<string, string>();
      for (const p of problems) {
        if (this.logged.get(p.source) !== p.reason) log.warn('knowledge file skipped', { file: p.source, reason: p.reason });
        logged.set(p.source, p.reason);
      }
      this.logged = logged;
      const buildMs = Math.round(performance.now() - started);
      this.index = index;
      this.stats_ = {
        ready: true,
        documents: index.documents,
        passages: index.passageCount,
        skipped: problems.length,
        builtAt: new Date().toISOString(),
        buildMs,
      };
      log.info('knowledge index built', { dir, ...this.stats_ });
    } catch (error) {
      // Keep serving the previous index, if any: a folder mid-rename is no reason to forget everything.
      log.error('knowledge index build failed', { dir, error: (error as Error).message });
    }
  }
}
