import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One step of a scripted response body. */
export type BodyStep = string | Buffer | { wait: number } | { destroy: true } | { hang: true };

/** How the fake answers one request. */
export interface FakeReply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Pause before the status line and headers go out. */
  readonly headersDelayMs?: number;
  readonly body?: readonly BodyStep[];
}

/** What the fake saw of one request. */
export interface SeenRequest {
  readonly headers: IncomingHttpHeaders;
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly at: number;
  /** Which TCP connection carried it, numbered from 0 in the order they were accepted. */
  readonly connection: number;
  /** When the client closed the connection before the reply ended (the abort we test for). */
  closedEarlyAt?: number;
}

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1, port 0, scripted
 * per request: replies are used in order and the last one repeats. Bodies are
 * written step by step with a turn of the event loop between writes, so each
 * piece reaches the client as its own read when it can.
 */
export class FakeOpenAiServer {
  readonly requests: SeenRequest[] = [];
  private replies: FakeReply[] = [];
  private readonly connections = new WeakMap<object, number>();
  private accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeOpenAiServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeOpenAiServer(server, `http://127.0.0.1:${port}/v1`);
    server.on('connection', (socket) => fake.connections.set(socket, fake.accepted++));
    server.on('request', (req, res) => void fake.handle(req, res));
    return fake;
  }

  /** Scripts the next replies (the last one repeats for further requests). */
  reply(...replies: FakeReply[]): this {
    this.replies = replies;
    return this;
  }

  /** Resolves once request `index` was closed early by the client; rejects after `withinMs`. */
  async closedEarly(index: number, withinMs: number): Promise<number> {
    const until = Date.now() + withinMs;
    for (;;) {
      const at = this.requests[index]?.closedEarlyAt;
      if (at !== undefined) return at;
      if (Date.now() > until) throw new Error(`request ${index} was not closed by the client within ${withinMs} ms`);
      await sleep(10);
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const seen: SeenRequest = {
      headers: req.headers,
      path: req.url ?? '',
      body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
      at: Date.now(),
      connection: this.connections.get(req.socket) ?? -1,
    };
    this.requests.push(seen);
    res.on('close', () => {
      if (!res.writableFinished) seen.closedEarlyAt = Date.now();
    });
    req.socket.setNoDelay(true);
    const script = this.replies[Math.min(this.requests.length - 1, this.replies.length - 1)] ?? {};
    if (script.headersDelayMs) await sleep(script.headersDelayMs);
    if (res.destroyed) return;
    res.writeHead(script.status ?? 200, { 'content-type': 'text/event-stream', ...script.headers });
    res.flushHeaders();
    for (const step of script.body ?? []) {
      if (res.destroyed) return;
      if (typeof step === 'string' || Buffer.isBuffer(step)) {
        res.write(step);
        await new Promise((resolve) => setImmediate(resolve));
      } else if ('wait' in step) await sleep(step.wait);
      else if ('destroy' in step) return void res.socket?.destroy();
      else return; // hang: keep the connection open until the client or close() ends it
    }
    res.end();
  }
}

/** The shared recordings, beside the project's root (as in CI's clone): never copied into the project. */
const STREAMS = fileURLToPath(new URL('../../../shared/data/llm-streams', import.meta.url));

/**
 * A recorded response body as it went over the wire. The DashScope fixture is
 * stored one chunk per line; it is framed as its README says (`data: <line>`
 * events, then `data: [DONE]`).
 */
export function recordedBody(file: string): Buffer {
  const raw = readFileSync(`${STREAMS}/${file}`);
  if (!file.endsWith('.chunks.jsonl')) return raw;
  const lines = raw.toString('utf8').split('\n').filter((l) => l.trim() !== '');
  return Buffer.from(`${lines.map((l) => `data: ${l}\n\n`).join('')}data: [DONE]\n\n`, 'utf8');
}

/** The content (and reasoning) deltas of a recorded SSE body, joined: what the caller should read. */
export function recordedDeltas(body: Buffer): { content: string; reasoning: string } {
  let content = '';
  let reasoning = '';
  for (const line of body.toString('utf8').split('\n')) {
    if (!line.startsWith('data:') || line.includes('[DONE]')) continue;
    const chunk = JSON.parse(line.slice(5)) as { choices?: { delta?: Record<string, unknown> }[] };
    const delta = chunk.choices?.[0]?.delta ?? {};
    if (typeof delta.content === 'string') content += delta.content;
    const r = delta.reasoning_content || delta.reasoning;
    if (typeof r === 'string') reasoning += r;
  }
  return { content, reasoning };
}

/** Cuts `body` at pseudo-random byte offsets (1..maxBytes apart), reproducibly from `seed`. */
export function rechunk(body: Buffer, seed: number, maxBytes = 40): Buffer[] {
  const random = mulberry32(seed);
  const pieces: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const size = 1 + Math.floor(random() * maxBytes);
    pieces.push(body.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** An SSE body streaming `contents` as content deltas, optionally ending with `[DONE]`. */
export function sseOf(contents: readonly string[], done = true): string[] {
  const events = contents.map(
    (content) =>
      `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`,
  );
  return done ? [...events, 'data: [DONE]\n\n'] : events;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
