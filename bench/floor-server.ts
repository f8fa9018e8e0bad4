/**
 * The floor: a bare `node:http` server that speaks the same protocol as the
 * service — the same SSE frames, the same sync JSON, the same mock answer and
 * per-piece delay — with no framework, validation, DI or logging. The
 * benchmark reports the service as a ratio of this.
 *
 * With LLM_BASE_URL set (an OpenAI-compatible server), `/chat` relays that
 * server's streamed answer instead, as bare as the rest: one keep-alive
 * agent, SSE split on blank lines, each content delta one frame. That is the
 * floor of the first-token workload: what any process in between adds.
 *
 * Reads PORT, HOST, MOCK_LLM_DELAY_MS, MOCK_LLM_ANSWER and LLM_BASE_URL like the service.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { DEFAULT_MOCK_ANSWER } from '../src/config/sections/llm.section.js';

export interface FloorOptions {
  readonly delayMs: number;
  /** `{question}` becomes the question, as in the mock LLM. */
  readonly answer: string;
  /** An OpenAI-compatible base URL (`…/v1`): `/chat` relays its answer instead of the mock's. */
  readonly upstreamUrl?: string;
}

const DOCS = [
  { doc_id: '4010230492', space_id: '632685097', title: '易事厅使用指南', url: 'https://example.invalid/p/4010230492', score: 0.881664 },
  { doc_id: '4010230493', space_id: '632685097', title: '第三方机器人接入说明', url: 'https://example.invalid/p/4010230493', score: 0.762311 },
];
const FRAME_DOCS = DOCS.map(({ doc_id, title, url }) => ({ doc_id, title, url }));
const PENDING = { urls: '', context: '', answer_success: 0, docs: [] };
const segmenter = new Intl.Segmenter();

const frame = (response: string, finished: boolean, globalOutput: object) =>
  `event:delta\ndata:${JSON.stringify({ response, finished, global_output: globalOutput })}\n\n`;

/** Creates (does not start) the floor server. */
export function createFloorServer(options: FloorOptions): Server {
  return createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') return json(res, 200, { status: 'ok' });
    if (req.method !== 'POST' || (req.url !== '/chat' && req.url !== '/chat/sync')) {
      return json(res, 404, { code: 40400, err_msg: 'not found' });
    }
    readJson(req).then(
      (body) => {
        if (req.url !== '/chat') return sync(res, options, body);
        return options.upstreamUrl ? relay(res, options.upstreamUrl, body) : stream(res, options, body);
      },
      () => json(res, 400, { code: 40000, err_msg: 'body: malformed JSON' }),
    );
  });
}

/** Sends the SSE status and headers at once, as the service does. */
function openStream(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
    'X-Trace-Id': randomUUID(),
  });
  res.flushHeaders();
}

const FINAL_FRAME = frame('', true, { answer_success: 1, docs: FRAME_DOCS });

async function stream(res: ServerResponse, options: FloorOptions, body: { content?: string }): Promise<void> {
  openStream(res);
  for (const { segment } of segmenter.segment(answerTo(options, body))) {
    if (options.delayMs > 0) await sleep(options.delayMs);
    if (res.destroyed) return;
    res.write(frame(segment, false, PENDING));
  }
  res.end(FINAL_FRAME);
}

const upstreamAgent = new Agent({ keepAlive: true });

function relay(res: ServerResponse, upstreamUrl: string, body: { content?: string }): void {
  openStream(res);
  const payload = JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: String(body.content ?? '') }] });
  const upstream = request(`${upstreamUrl}/chat/completions`, {
    method: 'POST',
    agent: upstreamAgent,
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
  });
  upstream.on('error', () => res.destroy());
  upstream.on('response', (answer) => {
    let pending = '';
    answer.setEncoding('utf8');
    answer.on('data', (text: string) => {
      pending += text;
      for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
        const data = pending.slice(0, end).replace(/^data: ?/, '');
        pending = pending.slice(end + 2);
        if (data === '[DONE]') continue;
        const content = (JSON.parse(data) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content;
        if (content && !res.destroyed) res.write(frame(content, false, PENDING));
      }
    });
    answer.on('end', () => res.end(FINAL_FRAME));
  });
  upstream.end(payload);
}

async function sync(res: ServerResponse, options: FloorOptions, body: { content?: string }): Promise<void> {
  const traceId = randomUUID();
  const reply = await syncReply(options, body, traceId);
  res.setHeader('X-Trace-Id', traceId);
  json(res, 200, reply);
}

/** The sync reply's JSON: the answer folded piece by piece as the mock model gives it. Shared with the Koa floor. */
export async function syncReply(options: FloorOptions, body: { content?: string }, traceId: string): Promise<object> {
  let text = '';
  for (const { segment } of segmenter.segment(answerTo(options, body))) {
    if (options.delayMs > 0) await sleep(options.delayMs);
    text += segment;
  }
  return {
    code: 0, err_msg: '', is_async_response: false, is_recall_success: 1, recall_docs: DOCS,
    msg_type: 'text', msg_content: text, third_party_trace_id: traceId,
  };
}

const answerTo = (options: FloorOptions, body: { content?: string }) =>
  options.answer.replaceAll('{question}', String(body.content ?? ''));

function json(res: ServerResponse, status: number, value: object): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<{ content?: string }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { content?: string };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = createFloorServer({
    delayMs: Number(process.env.MOCK_LLM_DELAY_MS ?? 20),
    // The service's own default answer unless told otherwise (the benchmark always sets it for both).
    answer: process.env.MOCK_LLM_ANSWER ?? DEFAULT_MOCK_ANSWER,
    upstreamUrl: process.env.LLM_BASE_URL,
  });
  server.keepAliveTimeout = 65_000;
  // A burst of 1,000 connects overflows Node's default accept backlog (511); as the service does.
  server.listen({ port: Number(process.env.PORT ?? 8090), host: process.env.HOST ?? '127.0.0.1', backlog: 4096 });
  process.on('SIGTERM', () => process.exit(0));
}
