import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { finished } from 'node:stream';

/** The upstream answered with a non-2xx status; `body` is its text, cut at `MAX_ERROR_BODY_BYTES`. */
export class UpstreamHttpError extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly body: string,
  ) {
    super(`HTTP ${status}`);
    this.name = 'UpstreamHttpError';
  }
}

/** No HTTP response at all: refused, DNS, TLS, or the socket closed before the headers. */
export class UpstreamUnreachable extends Error {
  constructor(options: { cause: unknown }) {
    super('no response', options);
    this.name = 'UpstreamUnreachable';
  }
}

/** An error page longer than this is not worth reading: a log line shows 200 characters of it. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * `POST {baseUrl}/chat/completions` over `node:http(s)` with one keep-alive
 * agent, so consecutive turns reuse a warm socket. This replaces the `openai`
 * SDK on `fetch`, whose request building, undici and web streams cost about
 * 3 ms of CPU per call on Node 20 against about 0.7 ms here; the SSE body is
 * still parsed by `eventsource-parser` (see `sse-messages.ts`).
 */
export class ChatCompletionsClient {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;
  private readonly headers: Record<string, string>;

  /** `apiKey` undefined sends no `Authorization` header (local vLLM/Ollama). */
  constructor(baseUrl: string, apiKey: string | undefined) {
    this.url = new URL(baseUrl);
    this.url.pathname = `${this.url.pathname.replace(/\/+$/, '')}/chat/completions`;
    const tls = this.url.protocol === 'https:';
    this.agent = tls ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.send = tls ? httpsRequest : httpRequest;
    this.headers = {
      'Content-Type': 'application/json',
      Accept: 'text/event-stream',
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
    };
  }

  /**
   * Sends `body` and resolves with the 2xx response, unread: the caller must
   * read it to its end (the socket then returns to the pool) or `destroy()` it; `releaseResponse` does either.
   * Rejects with `UpstreamHttpError` or `UpstreamUnreachable`; aborting `signal`
   * destroys the socket at once, before or after the response, and errors the response body.
   */
  open(body: unknown, signal: AbortSignal): Promise<IncomingMessage> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = this.send(this.url, {
        method: 'POST',
        agent: this.agent,
        signal,
        headers: { ...this.headers, 'Content-Length': Buffer.byteLength(payload) },
      });
      // After the response, a socket fault errors the response itself; this settles nothing then.
      req.on('error', (error) => reject(new UpstreamUnreachable({ cause: error })));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(res);
        else errorBody(res).then((text) => reject(new UpstreamHttpError(status, headersOf(res), text)), reject);
      });
      req.end(payload);
    });
  }
}

/** The error body as far as it can be read: the status already says what failed, the text only adds detail. */
async function errorBody(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  try {
    for await (const piece of res) {
      text += piece as string;
      if (text.length >= MAX_ERROR_BODY_BYTES) break; // leaving the loop destroys the response
    }
  } catch {
    // A body cut short (reset, abort) still leaves the status to report; the caller checks its signal.
  }
  return text;
}

function headersOf(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/**
 * After `[DONE]` (or a body already complete) the socket goes back to the
 * keep-alive pool once the rest of the body is read, so the next turn skips
 * the TCP handshake; if that rest does not come within `graceMs` the socket is
 * closed. A stream left mid-answer (hang-up, deadline, fault) is closed at
 * once, which is how the upstream learns to stop generating.
 */
export function releaseResponse(response: IncomingMessage, done: boolean, graceMs: number): void {
  if (response.destroyed || response.readableEnded) return;
  if (!done && !response.complete) {
    response.destroy();
    return;
  }
  const guard = setTimeout(() => response.destroy(), graceMs);
  // The answer is already complete: an error while draining only costs the socket, so it ends the guard and nothing more.
  finished(response, () => clearTimeout(guard));
  response.resume();
}
