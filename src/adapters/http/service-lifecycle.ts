import { setMaxListeners } from 'node:events';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { TurnFailure } from '../../domain/turn-failure.js';

/** How long ended turns get to write their final frame before the last sockets are closed. */
const FLUSH_MS = 3000;
/** How often connections that finished their call are closed while draining. */
const SWEEP_MS = 100;

/**
 * The service's stopping state, which routes and readiness observe:
 * `stopping` aborts when shutdown begins (`/ready` fails); `cutSignal`
 * aborts when running turns must end now — they end with the `shutting_down` apology
 * as their final frame / sync reply, never by a dropped socket.
 */
export class ServiceLifecycle {
  private readonly stoppingControl = new AbortController();
  private readonly cutControl = new AbortController();

  constructor() {
    // Every running turn listens for the cut: thousands of listeners are expected, not a leak.
    setMaxListeners(0, this.cutControl.signal);
  }

  get stopping(): AbortSignal {
    return this.stoppingControl.signal;
  }

  get cutSignal(): AbortSignal {
    return this.cutControl.signal;
  }

  /** Ends every running turn now, each with its final frame (a second signal, or the drain limit). */
  cutTurns(): void {
    this.cutControl.abort(new TurnFailure('shutting_down', 'the service is shutting down'));
  }

  /**
   * Stops accepting connections, lets in-flight calls finish for up to
   * `drainMs` (each is still bounded by the turn deadline), then cuts what is
   * left and closes the last sockets. Resolves when the server is closed;
   * `'cut'` when turns had to be ended early.
   */
  async drain(server: Server, drainMs: number): Promise<'drained' | 'cut'> {
    this.stoppingControl.abort();
    const closed = new Promise<'drained'>((resolve) => server.close(() => resolve('drained')));
    // Keep-alive sockets whose call has finished would hold `close` open: close each as it goes idle.
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
    const limit = new AbortController();
    try {
      const cut = new Promise<'cut'>((resolve) => {
        if (this.cutSignal.aborted) resolve('cut');
        this.cutSignal.addEventListener('abort', () => resolve('cut'), { once: true, signal: limit.signal });
      });
      const expired = sleep(drainMs, 'cut' as const, { signal: limit.signal }).catch(() => 'cut' as const);
      const how = await Promise.race([closed, cut, expired]);
      if (how === 'drained') return how;
      this.cutTurns();
      await Promise.race([closed, sleep(FLUSH_MS, undefined, { signal: limit.signal }).catch(() => undefined)]);
      server.closeAllConnections();
      await closed;
      return 'cut';
    } finally {
      clearInterval(sweep);
      limit.abort();
    }
  }
}
