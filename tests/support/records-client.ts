import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson } from './sse-client.js';

/** Polls an admin report until `done` holds of it (records are written about once a second), or fails after `ms`. */
export async function adminReportUntil<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  done: (body: T) => boolean,
  options: { headers?: Record<string, string>; ms?: number } = {},
): Promise<T> {
  const until = Date.now() + (options.ms ?? 10_000);
  let last: unknown;
  for (;;) {
    const reply = await sendJson(baseUrl, path, { method: 'GET', headers: options.headers });
    last = reply.body;
    if (reply.status === 200 && done(reply.body as T)) return reply.body as T;
    if (Date.now() > until) throw new Error(`${path} never satisfied the test; last reply ${reply.status}: ${JSON.stringify(last).slice(0, 500)}`);
    await sleep(100);
  }
}
