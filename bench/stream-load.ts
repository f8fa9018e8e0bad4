import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { SseFrameReader } from './sse-frame-reader.js';

export interface StreamLoadOptions {
  /** Full URL of the streaming endpoint, e.g. `http://127.0.0.1:8080/chat`. */
  readonly url: string;
  /** The JSON request body sent on every stream. */
  readonly body: string;
  /** Streams to run in all. */
  readonly total: number;
  /** Streams open at once; a finished stream's slot starts the next one. */
  readonly concurrency: number;
  /** A stream still open after this long counts as failed and is dropped. */
  readonly timeoutMs: number;
  /** When set, a stream whose pieces do not concatenate to this counts as failed. */
  readonly expectedAnswer?: string;
  /** Called whenever a stream receives its first frame or ends; for sampling "N streams open". */
  readonly onOpenChange?: (open: number) => void;
}

/** What one stream saw. Times are milliseconds from just before the request was made (`request()`). */
export interface StreamRecord {
  readonly ok: boolean;
  readonly error?: string;
  readonly ttffMs: number;
  /**
   * From `request()` to the request going out: its socket connected (a new connection) or handed
   * over (a kept-alive one). When 1,000 streams start at once this is mostly the generator's own
   * loop making the other 999 requests before any is sent, not the server's time
   * (`ttffMs - sendDelayMs` is the time to first frame from the request's send).
   */
  readonly sendDelayMs: number;
  readonly durationMs: number;
  /** Longest pause between two consecutive frames. */
  readonly maxGapMs: number;
  readonly frames: number;
}

/**
 * Runs `total` `/chat` streams, `concurrency` at a time, over one keep-alive
 * agent. A stream succeeds only when it answers 200, every frame parses, it
 * ends with exactly one `finished:true` frame and nothing after it, and (if
 * given) the pieces add up to the expected answer.
 */
export async function runStreams(options: StreamLoadOptions): Promise<StreamRecord[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  const records: StreamRecord[] = [];
  let started = 0;
  let open = 0;
  const onOpen = (delta: number) => {
    open += delta;
    options.onOpenChange?.(open);
  };
  const worker = async () => {
    while (started < options.total) {
      started += 1;
      records.push(await oneStream(options, agent, onOpen));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.total) }, worker));
  } finally {
    agent.destroy();
  }
  return records;
}

function oneStream(options: StreamLoadOptions, agent: Agent, onOpen: (delta: number) => void): Promise<StreamRecord> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const reader = new SseFrameReader();
    let frames = 0;
    let firstAt = Number.NaN;
    let lastAt = Number.NaN;
    let maxGap = 0;
    let finishedSeen = false;
    let answer = '';
    let settled = false;
    let sentAt = Number.NaN;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (frames > 0) onOpen(-1);
      if (!error && !finishedSeen) error = 'ended without a finished:true frame';
      if (!error && reader.hasPartialFrame) error = 'bytes after the final frame';
      if (!error && options.expectedAnswer !== undefined && answer !== options.expectedAnswer) {
        error = `answer mismatch: ${JSON.stringify(answer.slice(0, 40))}`;
      }
      resolve({ ok: !error, error, ttffMs: firstAt - t0, sendDelayMs: sentAt - t0, durationMs: performance.now() - t0, maxGapMs: maxGap, frames });
    };
    const timer = setTimeout(() => {
      finish(`timed out after ${options.timeoutMs} ms`);
      req.destroy();
    }, options.timeoutMs);
    const req = request(options.url, {
      method: 'POST',
      agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(options.body) },
    });
    req.on('socket', (socket) => {
      // A new connection sends the request once connected; a kept-alive one at once.
      if (socket.connecting) socket.once('connect', () => (sentAt = performance.now()));
      else sentAt = performance.now();
    });
    req.on('error', (error) => finish(`request error: ${error.message}`));
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(`status ${res.statusCode}`);
        return;
      }
      res.on('data', (chunk: Buffer) => {
        let got;
        try {
          got = reader.push(chunk);
        } catch (error) {
          finish(`bad frame: ${(error as Error).message}`);
          res.destroy();
          return;
        }
        const now = performance.now();
        for (const frame of got) {
          if (finishedSeen) return finish('frame after the final frame');
          if (frames === 0) {
            firstAt = now;
            onOpen(+1);
          } else maxGap = Math.max(maxGap, now - lastAt);
          lastAt = now;
          frames += 1;
          answer += frame.response;
          finishedSeen = frame.finished;
        }
      });
      res.on('end', () => finish());
      res.on('error', (error) => finish(`response error: ${error.message}`));
      res.on('close', () => finish(finishedSeen ? undefined : 'connection closed mid-stream'));
    });
    req.end(options.body);
  });
}
