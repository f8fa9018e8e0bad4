import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { CallerGone } from '../../domain/turn-failure.js';

/**
 * Writes SSE frames straight to the socket, honouring back-pressure: when the
 * kernel buffer is full it waits for 'drain' — but no longer than
 * `slowReaderMs`, after which the call is dropped so a reader that never
 * reads cannot make the process buffer without bound.
 */
export class SseWriter {
  constructor(
    private readonly res: ServerResponse,
    private readonly slowReaderMs: number,
  ) {}

  /** Sends the status line and headers at once, so proxies see the stream start. */
  open(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    this.res.flushHeaders();
  }

  get usable(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  async write(frame: string): Promise<void> {
    if (!this.usable) throw new CallerGone();
    if (this.res.write(frame)) return;
    const wait = new AbortController();
    const timer = setTimeout(() => wait.abort(), this.slowReaderMs);
    try {
      const { signal } = wait;
      await Promise.race([once(this.res, 'drain', { signal }), once(this.res, 'close', { signal })]);
    } catch {
      // The reader did not take the frame in time: drop the call.
      this.res.destroy();
      throw new CallerGone();
    } finally {
      clearTimeout(timer);
      wait.abort(); // removes the listener of whichever event did not happen
    }
    if (!this.usable) throw new CallerGone();
  }

  end(): void {
    if (this.usable) this.res.end();
  }
}
