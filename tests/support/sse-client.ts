import { request } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';

export interface Frame {
  event: string | undefined;
  data: Record<string, unknown> & { response: string; finished: boolean; global_output: Record<string, unknown> };
  raw: string;
  at: number;
}

export interface SseReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  frames: Frame[];
  /** The raw body, for byte-level checks. */
  body: string;
  /** Comment lines seen (keep-alives). */
  comments: string[];
  startedAt: number;
  endedAt: number;
}

/**
 * POSTs a chat request and reads the SSE reply with a spec-compliant parser
 * (eventsource-parser), timing each frame. `hangUpAfterFrames` closes the
 * socket after that many frames, as an impatient client would.
 */
export function postSse(
  baseUrl: string,
  body: unknown,
  options: { hangUpAfterFrames?: number; headers?: Record<string, string>; path?: string } = {},
): Promise<SseReply> {
  const startedAt = Date.now();
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${options.path ?? '/chat'}`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...options.headers } },
      (res) => {
        const frames: Frame[] = [];
        const comments: string[] = [];
        let raw = '';
        const parser = createParser({
          onEvent(message: EventSourceMessage) {
            frames.push({ event: message.event, data: JSON.parse(message.data), raw: message.data, at: Date.now() });
            if (options.hangUpAfterFrames !== undefined && frames.length >= options.hangUpAfterFrames) {
              res.destroy();
              resolve({ status: res.statusCode ?? 0, headers: res.headers, frames, body: raw, comments, startedAt, endedAt: Date.now() });
            }
          },
          onComment(comment) {
            comments.push(comment);
          },
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          raw += chunk;
          parser.feed(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, frames, body: raw, comments, startedAt, endedAt: Date.now() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface JsonReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Sends a request and parses the JSON reply (any status). */
export async function sendJson(
  baseUrl: string,
  path: string,
  init: { method?: string; body?: string | Buffer | object; headers?: Record<string, string> } = {},
): Promise<JsonReply> {
  const body =
    init.body === undefined || typeof init.body === 'string' || Buffer.isBuffer(init.body)
      ? init.body
      : JSON.stringify(init.body);
  const res = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> };
}

/** The answer a stream carried: its pieces before the final frame, joined. */
export const answerOf = (reply: SseReply): string =>
  reply.frames
    .filter((f) => !f.data.finished)
    .map((f) => f.data.response)
    .join('');
