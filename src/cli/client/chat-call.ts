/** What both chat endpoints accept (PROTOCOL.md, "Request"). */
export interface ChatRequestBody {
  user: string;
  msg_type: string;
  content: string;
  msg_id?: string;
  session_id?: string;
  business_keys?: string[];
}

/** The service could not be reached at all (refused, unknown host, reset before a reply). */
export class ServiceUnreachable extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${url} (${reason}) — is the service running?`);
    this.name = 'ServiceUnreachable';
  }
}

export interface CallOptions {
  /** Sent as `Authorization: Bearer <token>` when set. */
  readonly token?: string;
  readonly signal?: AbortSignal;
  readonly headers?: Record<string, string>;
}

/**
 * One HTTP call to the service with `fetch`. Network failures become
 * `ServiceUnreachable` naming the cause (e.g. ECONNREFUSED); any HTTP reply,
 * error statuses included, is returned for the caller to judge.
 */
export async function callService(
  baseUrl: string,
  path: string,
  init: { method?: string; body?: string; contentType?: string } & CallOptions = {},
): Promise<Response> {
  // Relative resolution keeps a deployment's path prefix (https://host/bot/ + chat/sync).
  const url = new URL(path.replace(/^\//, ''), withSlash(baseUrl)).toString();
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  try {
    return await fetch(url, { method: init.method ?? 'POST', headers, body: init.body, signal: init.signal });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ServiceUnreachable(url, networkReason(error));
  }
}

/** Yields the body as text chunks as they arrive (UTF-8 decoded across chunk edges). */
export async function* textChunks(response: Response): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder('utf-8');
  for await (const bytes of response.body) yield decoder.decode(bytes, { stream: true });
  const tail = decoder.decode();
  if (tail) yield tail;
}

function withSlash(baseUrl: string): string {
  return baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
}

/** undici wraps the socket error: `TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })`. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
