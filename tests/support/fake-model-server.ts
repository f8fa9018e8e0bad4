import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake saw of one request. */
export interface ModelRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

/** A scripted answer: status, headers, and a JSON value or raw text; `delayMs` before the headers. */
export interface ModelReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  readonly text?: string;
  readonly delayMs?: number;
}

export type ModelHandler = (request: ModelRequest, index: number) => ModelReply | undefined;

/**
 * A fake embeddings + rerank server on 127.0.0.1, port 0, speaking real
 * HTTP. By default `/embeddings` returns a deterministic vector per input
 * (seeded by the model and the text) and `/rerank` scores documents by the
 * characters they share with the query, in the Jina format (TEI format when
 * the body has `texts`). `handle` overrides a request (return undefined to
 * fall back to the default). Records every request and the most requests
 * it had in flight at once.
 */
export class FakeModelServer {
  readonly requests: ModelRequest[] = [];
  handle: ModelHandler | undefined;
  dims = 8;
  inFlight = 0;
  maxInFlight = 0;
  /** Pause before every default reply, so concurrency can be observed. */
  defaultDelayMs = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeModelServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeModelServer(server, `http://127.0.0.1:${port}/v1`);
    server.on('request', (req, res) => void fake.serve(req, res));
    return fake;
  }

  /** Requests to one path (`/v1/embeddings`, `/v1/rerank`). */
  seen(path: string): ModelRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Every input text the embeddings endpoint received. */
  embeddedTexts(): string[] {
    return this.seen('/v1/embeddings').flatMap((r) => r.body.input as string[]);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      // the client under test always sends JSON; an empty body stays {}
    }
    const request: ModelRequest = { path: req.url ?? '', headers: req.headers, body, at: Date.now() };
    const index = this.requests.push(request) - 1;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const reply = this.handle?.(request, index) ?? this.defaultReply(request);
      const delay = reply.delayMs ?? this.defaultDelayMs;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (res.destroyed) return;
      const text = reply.text ?? JSON.stringify(reply.json ?? null);
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    } finally {
      this.inFlight--;
    }
  }

  private defaultReply(request: ModelRequest): ModelReply {
    if (request.path.endsWith('/embeddings')) {
      const inputs = request.body.input as string[];
      return { json: { object: 'list', data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(`${String(request.body.model)}|${text}`, this.dims) })) } };
    }
    if (request.path.endsWith('/rerank')) {
      const query = String(request.body.query);
      const docs = (request.body.texts ?? request.body.documents) as string[];
      const scored = docs.map((d, index) => ({ index, score: overlap(query, d) })).sort((a, b) => b.score - a.score);
      if (request.body.texts) return { json: scored };
      return { json: { results: scored.map(({ index, score }) => ({ index, relevance_score: score })) } };
    }
    return { status: 404, json: { error: 'not found' } };
  }
}

/** A deterministic pseudo-random vector for a seed (not normalised: the client must do it). */
export function fakeVector(seed: string, dims: number): number[] {
  const out: number[] = [];
  for (let i = 0; out.length < dims; i++) {
    const digest = createHash('sha256').update(`${seed}#${i}`).digest();
    for (let j = 0; j + 1 < digest.length && out.length < dims; j += 2) out.push((digest.readUInt16BE(j) - 32768) / 8192);
  }
  return out;
}

function overlap(query: string, doc: string): number {
  const chars = new Set(query);
  const hits = [...new Set(doc)].filter((c) => chars.has(c)).length;
  return chars.size === 0 ? 0 : hits / chars.size;
}
