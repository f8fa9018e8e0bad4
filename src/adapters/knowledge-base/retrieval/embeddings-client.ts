import type { LoggerPort } from '../../../application/ports/logger.port.js';
import { postJson, RemoteCallError } from './remote-call.js';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from './retrying.js';
import { Semaphore } from './semaphore.js';
import { readEmbeddingsReply } from './embeddings-reply.js';

export interface EmbeddingsClientOptions {
  /** Base URL up to `/v1` (or the provider's equivalent); the client POSTs to `{baseUrl}/embeddings`. */
  readonly baseUrl: string;
  readonly model: string;
  /** Sent as `Authorization: Bearer …` when set. */
  readonly apiKey?: string | undefined;
  /** Prepended to questions (`embedQuery`) and passages (`embedPassages`); see `joinPrefix`. */
  readonly queryPrefix?: string;
  readonly passagePrefix?: string;
  /** Texts per request in `embedPassages`. */
  readonly batchSize: number;
  /** Requests in flight at once in `embedPassages`. */
  readonly concurrency: number;
  /** Bound on the question's request (`embedQuery`, never retried). */
  readonly queryTimeoutMs: number;
  /** Bound on one batch request of `embedPassages`. */
  readonly batchTimeoutMs: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly log?: LoggerPort;
}

/**
 * A client for OpenAI-compatible embeddings endpoints (OpenAI, DashScope and
 * Hunyuan compatible modes, vLLM, TEI, Ollama, Xinference, SiliconFlow).
 * Vectors come back L2-normalised, so a dot product is the cosine. The
 * dimension is learnt from the first reply and every later one must match.
 */
export class EmbeddingsClient {
  readonly model: string;
  readonly queryPrefix: string;
  readonly passagePrefix: string;
  private readonly endpoint: string;
  private readonly gate: Semaphore;
  private readonly retry: RetryPolicy;
  private dims: number | undefined;

  constructor(private readonly options: EmbeddingsClientOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${options.batchSize}`);
    this.model = options.model;
    this.queryPrefix = options.queryPrefix ?? '';
    this.passagePrefix = options.passagePrefix ?? '';
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
    this.gate = new Semaphore(options.concurrency);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** The vectors' dimension, once a reply was seen. */
  get dimensions(): number | undefined {
    return this.dims;
  }

  /** One question, with the query prefix, in one request: no retry, since a turn has no time for one. */
  async embedQuery(text: string, signal: AbortSignal): Promise<Float32Array> {
    const [vector] = await this.request([joinPrefix(this.queryPrefix, text)], this.options.queryTimeoutMs, signal);
    return vector as Float32Array;
  }

  /**
   * Passages, with the passage prefix, in batches of `batchSize` with at most
   * `concurrency` requests in flight; each batch is retried on 429 / 5xx /
   * timeouts. `onBatch` reports each finished batch (its first index and vectors).
   * Rejects with the first batch that failed for good.
   */
  async embedPassages(texts: readonly string[], signal: AbortSignal, onBatch?: (start: number, vectors: Float32Array[]) => void): Promise<Float32Array[]> {
    const out: Float32Array[] = new Array(texts.length);
    const size = this.options.batchSize;
    // Stops the queued batches on the caller's abort or the first failure (a plain controller, not AbortSignal.any, see remote-call.ts).
    const stop = new AbortController();
    const both = stop.signal;
    const onAbort = () => stop.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const batches: Promise<void>[] = [];
    for (let start = 0; start < texts.length; start += size) {
      const inputs = texts.slice(start, start + size).map((t) => joinPrefix(this.passagePrefix, t));
      batches.push(
        this.gate
          .run(async () => {
            both.throwIfAborted();
            return withRetries(() => this.request(inputs, this.options.batchTimeoutMs, both), this.retry, both, (error, waitMs) =>
              this.options.log?.warn('embeddings request failed; retrying', { error: error.message, waitMs: Math.round(waitMs) }),
            );
          })
          .then((vectors) => {
            vectors.forEach((v, i) => (out[start + i] = v));
            onBatch?.(start, vectors);
          })
          .catch((error: unknown) => {
            // The first failure stops the batches still queued; they would only fail the same way.
            if (!stop.signal.aborted) stop.abort(error);
            throw error;
          }),
      );
    }
    const results = await Promise.allSettled(batches);
    signal.removeEventListener('abort', onAbort);
    signal.throwIfAborted();
    if (stop.signal.aborted) throw stop.signal.reason;
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    return out;
  }

  private async request(inputs: string[], timeoutMs: number, signal: AbortSignal): Promise<Float32Array[]> {
    const reply = await postJson(
      this.endpoint,
      { model: this.options.model, input: inputs, encoding_format: 'float' },
      { role: 'embeddings server', apiKey: this.options.apiKey, timeoutMs, signal, maxReplyBytes: replyBound(inputs.length, this.dims) },
    );
    const vectors = readEmbeddingsReply(reply, inputs.length, this.dims);
    this.dims ??= vectors[0]?.length;
    return vectors;
  }
}

/**
 * The prefix and the text. Settings are trimmed when read, so an E5-style
 * `query: ` arrives as `query:`: a prefix ending in an ASCII character gets
 * its space back; one ending in CJK or full-width punctuation (BGE's
 * `为这个句子生成表示以用于检索相关文章：`) is joined directly.
 */
export function joinPrefix(prefix: string, text: string): string {
  if (prefix === '') return text;
  return /[\x21-\x7e]$/.test(prefix) ? `${prefix} ${text}` : `${prefix}${text}`;
}

/** A float in JSON takes about 20 bytes; allow 32 per dimension (4,096 until known) per input, plus slack. */
function replyBound(inputs: number, dims: number | undefined): number {
  return 64 * 1024 + inputs * (dims ?? 4096) * 32;
}

export { RemoteCallError };
