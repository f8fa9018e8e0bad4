import { SecretMasker } from '../../../config/redact.js';

/** Why a call to an embeddings or rerank server failed, in the project's fault-kind words. */
export type RemoteFaultKind = 'timeout' | 'connect' | 'http_4xx' | 'http_5xx' | 'rate_limited' | 'auth' | 'malformed' | 'too_large';

/** A failed remote call. The message names the server's role and never carries the API key. */
export class RemoteCallError extends Error {
  constructor(
    readonly kind: RemoteFaultKind,
    message: string,
    /** Milliseconds the server asked us to wait (`Retry-After`), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'RemoteCallError';
  }

  /** 429, 5xx, timeouts and refused connections may pass; a 4xx or a malformed reply will not. */
  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'http_5xx' || this.kind === 'timeout' || this.kind === 'connect';
  }
}

export interface PostJsonOptions {
  /** Used in messages: "embeddings server", "rerank server". */
  readonly role: string;
  readonly apiKey?: string | undefined;
  readonly timeoutMs: number;
  /** The reply is refused past this many bytes; the rest is not read. */
  readonly maxReplyBytes: number;
  /** The caller's hang-up: rethrown as is, never turned into a `RemoteCallError`. */
  readonly signal: AbortSignal;
}

/**
 * POSTs JSON and returns the parsed 2xx reply. Every other outcome is a
 * `RemoteCallError` whose message is masked of the key (a server may echo the
 * `Authorization` header in its error body), except the caller's own abort.
 */
export async function postJson(endpoint: string, body: unknown, options: PostJsonOptions): Promise<unknown> {
  const { role, apiKey, timeoutMs, maxReplyBytes, signal } = options;
  const masker = new SecretMasker([apiKey]);
  // One controller and one timer of our own: on Node 20 an AbortSignal.timeout inside AbortSignal.any can be
  // garbage-collected while the request waits, and then the timeout never fires.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, timeoutMs);
  const onAbort = () => controller.abort(signal.reason);
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  let response: Response;
  let text: string;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    text = await boundedText(response, maxReplyBytes, role);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (error instanceof RemoteCallError) throw error;
    if (timedOut) throw new RemoteCallError('timeout', `${role}: no complete reply within ${timeoutMs} ms`);
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    throw new RemoteCallError('connect', masker.mask(`${role}: request failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`));
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
  if (!response.ok) {
    const status = response.status;
    const kind: RemoteFaultKind = status === 429 ? 'rate_limited' : status === 401 || status === 403 ? 'auth' : status >= 500 ? 'http_5xx' : 'http_4xx';
    const excerpt = text.replace(/\s+/g, ' ').slice(0, 200) || '(empty body)';
    throw new RemoteCallError(kind, masker.mask(`${role}: HTTP ${status}: ${excerpt}`), parseRetryAfter(response.headers.get('retry-after')));
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RemoteCallError('malformed', `${role}: reply is not JSON (${text.length} characters)`);
  }
}

/** The reply body as UTF-8 text, refused once it passes `limit` bytes; the stream is then cancelled. */
export async function boundedText(response: Response, limit: number, role: string): Promise<string> {
  if (!response.body) return '';
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body.cancel();
    throw new RemoteCallError('too_large', `${role}: reply of ${declared} bytes is larger than the ${limit}-byte bound`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early (throw) cancels the body stream, so the rest is never read.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new RemoteCallError('too_large', `${role}: reply larger than the ${limit}-byte bound`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
