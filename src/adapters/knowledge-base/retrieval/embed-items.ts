import type { LoggerPort } from '../../../application/ports/logger.port.js';
import type { EmbeddingsClient } from './embeddings-client.js';
import { VectorCache } from './vector-cache.js';

/** Something to embed: the caller's key (a passage id, an FAQ question id) and its text. */
export interface EmbedItem {
  readonly key: string;
  readonly text: string;
}

export interface EmbedProgress {
  /** Distinct texts that have a vector now (from the cache or just embedded). */
  readonly done: number;
  readonly total: number;
  /** Texts embedded per second in this call so far (0 before the first batch). */
  readonly perSecond: number;
}

export interface EmbedItemsResult {
  /** By item key; items whose text could not be embedded are absent (see `missing`). */
  readonly vectors: Map<string, Float32Array>;
  /** Item keys left without a vector because the server failed; embed them again later. */
  readonly missing: string[];
  /** Cache keys of every item, embedded or not: what `VectorCache.prune` should keep after a full build. */
  readonly cacheKeys: Set<string>;
  readonly reused: number;
  readonly embedded: number;
  /** Why some items are missing (the server's failure), when they are. */
  readonly error?: string;
}

/**
 * Vectors for all items, embedding only the texts the cache lacks, in the
 * client's batches; each batch is stored as soon as it arrives, so an
 * interrupted build keeps what it paid for. A server that fails leaves the
 * rest `missing` (the index goes on without them); only `signal` rejects.
 */
export async function embedItems(
  items: readonly EmbedItem[],
  cache: VectorCache,
  client: EmbeddingsClient,
  options: { signal: AbortSignal; log?: LoggerPort; onProgress?: (progress: EmbedProgress) => void },
): Promise<EmbedItemsResult> {
  const { signal, log, onProgress } = options;
  const keyOfText = new Map<string, string>();
  for (const { text } of items) if (!keyOfText.has(text)) keyOfText.set(text, VectorCache.keyOf(client.model, client.passagePrefix, text));
  const cacheKeys = new Set(keyOfText.values());
  const found = cache.getMany([...cacheKeys], client.dimensions);
  const toEmbed = [...keyOfText].filter(([, key]) => !found.has(key)).map(([text]) => text);
  const total = keyOfText.size;

  // Recorded only once everything is embedded, so an interrupted re-embedding says so again on the next build.
  const before = cache.lastModel();
  if (before !== undefined && before !== client.model) {
    log?.info(`embedding model changed from ${before} to ${client.model}: re-embedding ${toEmbed.length} items`, { from: before, to: client.model, items: toEmbed.length });
  }
  const started = performance.now();
  let embedded = 0;
  const report = () => onProgress?.({ done: found.size, total, perSecond: embedded === 0 ? 0 : embedded / ((performance.now() - started) / 1000) });
  report();

  let error: string | undefined;
  if (toEmbed.length > 0) {
    try {
      await client.embedPassages(toEmbed, signal, (start, vectors) => {
        const entries = vectors.map((vector, i) => ({ key: keyOfText.get(toEmbed[start + i] as string) as string, vector }));
        cache.putMany(entries);
        for (const { key, vector } of entries) found.set(key, vector);
        embedded += entries.length;
        report();
      });
    } catch (failure) {
      if (signal.aborted) throw signal.reason;
      error = (failure as Error).message;
      log?.warn('embedding failed; indexing goes on without vectors for the rest', { error, embedded, missing: toEmbed.length - embedded });
    }
  }

  if (error === undefined) cache.noteModel(client.model);
  const vectors = new Map<string, Float32Array>();
  const missing: string[] = [];
  for (const { key, text } of items) {
    const vector = found.get(keyOfText.get(text) as string);
    if (vector) vectors.set(key, vector);
    else missing.push(key);
  }
  return { vectors, missing, cacheKeys, reused: total - toEmbed.length, embedded, ...(error === undefined ? {} : { error }) };
}
