import { UpstreamHttpError, UpstreamUnreachable } from './chat-completions-client.js';
import { excerpt } from './chat-chunk.js';
import { LlmUnavailable } from './llm-fault.js';

/**
 * Names what the chat-completions client (or the socket under it) threw as an
 * upstream fault. `provider` is the host, so a log line says which upstream
 * failed. Upstream error text is kept short and on one line; for 401/403 it is
 * left out entirely, because providers echo part of the key there.
 */
export function toFault(error: unknown, provider: string): LlmUnavailable {
  if (error instanceof LlmUnavailable) return error;
  if (error instanceof UpstreamUnreachable) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    const why = cause ? [cause.message, (cause.cause as Error | undefined)?.message].filter(Boolean).join(': ') : error.message;
    return new LlmUnavailable('connect', `LLM upstream ${provider} could not be reached: ${excerpt(why)}`, {}, { cause: error });
  }
  if (error instanceof UpstreamHttpError) {
    const status = error.status;
    if (status === 401 || status === 403) {
      return new LlmUnavailable(
        'auth',
        `LLM upstream ${provider} refused our credentials (HTTP ${status}): check LLM_API_KEY (and LLM_MODEL access)`,
        { status },
      );
    }
    const body = upstreamMessage(error.body);
    const retryAfterMs = retryAfter(error.headers);
    const kind = status === 429 ? 'rate_limited' : status >= 500 || status === 408 ? 'http_5xx' : 'http_4xx';
    return new LlmUnavailable(kind, `LLM upstream ${provider} answered HTTP ${status}: ${body}`, { status, retryAfterMs });
  }
  // Anything else is the socket or body stream failing after the headers (node:http: "aborted").
  const why = error instanceof Error ? [error.message, (error.cause as Error | undefined)?.message].filter(Boolean).join(': ') : String(error);
  return new LlmUnavailable('reset', `LLM upstream ${provider} broke the stream: ${excerpt(why)}`, {}, { cause: error });
}

/** `{"error":{"message":…}}` (OpenAI and most compatibles) or `{"message":…}`; else the raw text, e.g. a proxy's HTML 502 page. */
function upstreamMessage(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return excerpt(body) || '(no body)';
  }
  const record = (value: unknown) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined);
  const message = record(record(parsed)?.error)?.message ?? record(parsed)?.message;
  return excerpt(typeof message === 'string' ? message : body) || '(no body)';
}

/** `retry-after-ms` or `Retry-After` (seconds or an HTTP date), in ms; undefined when absent or unreadable. */
export function retryAfter(headers: Pick<Headers, 'get'> | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * How long to wait before attempt `attempt + 1`: what the upstream asked for
 * (`Retry-After`) when it said, else exponential backoff from `baseMs`
 * (doubling, capped at 8 s) with up to 25 % jitter so callers do not retry in step.
 */
export function retryDelayMs(fault: LlmUnavailable, attempt: number, baseMs: number): number {
  if (fault.details.retryAfterMs !== undefined) return fault.details.retryAfterMs;
  const backoff = Math.min(baseMs * 2 ** attempt, 8000);
  return backoff * (1 - Math.random() * 0.25);
}
