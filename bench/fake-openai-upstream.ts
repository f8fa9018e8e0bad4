/**
 * A local stand-in for an OpenAI-compatible model server: `POST
 * …/chat/completions` with `stream: true` answers headers at once, its first
 * token after FIRST_TOKEN_DELAY_MS, then the remaining tokens without delay,
 * then `data: [DONE]`. Lets the benchmark measure what the service adds to a
 * real model's first token.
 *
 * Reads PORT, HOST, FIRST_TOKEN_DELAY_MS (200) and ANSWER_TOKENS (comma-separated).
 */
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

export interface FakeUpstreamOptions {
  readonly firstTokenDelayMs: number;
  readonly tokens: readonly string[];
  /**
   * Told, per completion, how long the upstream really held its first token:
   * from the request's end to the first token's write (the timer fires late
   * by a varying amount, which is not the service's doing).
   */
  readonly onHold?: (ms: number) => void;
}

const chunk = (content: string | undefined, finish: string | null) =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'bench-model',
    choices: [{ index: 0, delta: content === undefined ? {} : { role: 'assistant', content }, finish_reason: finish }],
  })}\n\n`;

export function createFakeUpstream(options: FakeUpstreamOptions): Server {
  return createServer((req, res) => {
    req.resume();
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'bench-model', object: 'model' }] }));
      return;
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' } }));
      return;
    }
    req.on('end', async () => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.flushHeaders();
      const requestEnded = performance.now();
      await sleep(options.firstTokenDelayMs);
      options.onHold?.(performance.now() - requestEnded);
      for (const token of options.tokens) {
        if (res.destroyed) return;
        res.write(chunk(token, null));
      }
      res.end(`${chunk(undefined, 'stop')}data: [DONE]\n\n`);
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // The benchmark asks for the holds over IPC ('holds'): they are handed over and forgotten.
  let holds: number[] = [];
  process.on('message', (message) => {
    if (message !== 'holds') return;
    process.send?.({ kind: 'holds', holds });
    holds = [];
  });
  const server = createFakeUpstream({
    firstTokenDelayMs: Number(process.env.FIRST_TOKEN_DELAY_MS ?? 200),
    tokens: (process.env.ANSWER_TOKENS ?? '您好,，这是,回答。').split(','),
    onHold: (ms) => holds.push(ms),
  });
  server.keepAliveTimeout = 65_000;
  // A burst of 1,000 connects overflows Node's default accept backlog (511); as the service does.
  server.listen({ port: Number(process.env.PORT ?? 8091), host: process.env.HOST ?? '127.0.0.1', backlog: 4096 });
  process.on('SIGTERM', () => process.exit(0));
}
