import type { ServiceIdentifier } from 'inversify';
import { Redis } from 'ioredis';
import type { LoggerPort } from '../../application/ports/logger.port.js';

/**
 * The shared ioredis client, bound in the container when `SESSION_STORE=redis`
 * (and `undefined` otherwise), for other features that should share state
 * between instances — such as the per-user rate limit.
 */
export const REDIS_CLIENT = Symbol.for('RedisClient') as ServiceIdentifier<Redis | undefined>;

/** The connection itself, for shutdown and health (`undefined` with the memory store). */
export const REDIS_CONNECTION = Symbol.for('RedisConnection') as ServiceIdentifier<RedisConnection | undefined>;

/** Timeouts in a row after which Redis counts as hung. */
const HANG_THRESHOLD = 3;
/** How long a hung Redis is left alone before one command probes it again. */
const HANG_PAUSE_MS = 5000;

export interface RedisOptions {
  readonly url: string;
  /** Upper bound on one command; a Redis that hangs costs a turn at most this (`REDIS_COMMAND_TIMEOUT_MS`). */
  readonly commandTimeoutMs: number;
}

/**
 * A Redis connection that never stalls a turn: commands fail at once while it
 * is down (no offline queue) or after `commandTimeoutMs`, and it reconnects on
 * its own forever. An outage is logged once when it starts and once when it
 * ends, however many calls fail meanwhile.
 */
export class RedisConnection {
  readonly client: Redis;
  private lastError: string | undefined;
  private wasReady = false;
  private down = false;
  private closing = false;
  /** Commands that timed out in a row: a Redis that hangs (rather than refusing) looks like this. */
  private timeouts = 0;
  /** While now < this, commands are not sent at all: each would only wait out its timeout. */
  private skipUntil = 0;

  constructor(
    options: RedisOptions,
    private readonly log: LoggerPort,
  ) {
    this.client = new Redis(options.url, {
      connectTimeout: 2000,
      commandTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      // Keep trying, at most every 2 s, so the service recovers when Redis returns.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    const wentDown = (reason: string) => {
      this.lastError = reason;
      if (this.down || this.closing) return;
      this.down = true;
      log.error('redis unreachable; turns are answered without memory and idempotency until it returns', {
        error: reason,
      });
    };
    this.client.on('error', (error: Error) => wentDown(error.message || 'connection failed'));
    this.client.on('close', () => wentDown('connection closed'));
    this.client.on('ready', () => {
      if (this.down) log.info('redis reachable again; memory and idempotency are back');
      this.down = false;
      this.wasReady = true;
      this.lastError = undefined;
    });
  }

  get ready(): boolean {
    return this.client.status === 'ready';
  }

  /**
   * Runs one Redis operation, unless Redis has been hanging: after
   * `HANG_THRESHOLD` timeouts in a row, operations fail at once for
   * `HANG_PAUSE_MS` (then one is let through to probe), so a hung Redis costs
   * turns nothing instead of a command timeout each.
   */
  async run<T>(operation: (client: Redis) => Promise<T>): Promise<T> {
    if (Date.now() < this.skipUntil) throw new Error('redis is not answering; skipped');
    await this.firstConnection(2000);
    try {
      const result = await operation(this.client);
      if (this.timeouts >= HANG_THRESHOLD) this.log.info('redis answers again; memory and idempotency are back');
      this.timeouts = 0;
      return result;
    } catch (error) {
      if (error instanceof Error && /timed out/i.test(error.message)) this.timedOut(error.message);
      throw error;
    }
  }

  private timedOut(reason: string): void {
    this.timeouts += 1;
    this.lastError = reason;
    if (this.timeouts < HANG_THRESHOLD) return;
    this.skipUntil = Date.now() + HANG_PAUSE_MS;
    if (this.timeouts === HANG_THRESHOLD) {
      this.log.error('redis is not answering; turns are answered without memory and idempotency until it does', {
        error: reason,
      });
    }
  }

  /** Whether Redis can serve now, and if not, the last error seen (no URL, no secrets). */
  health(): { ok: boolean; detail: string } {
    if (this.timeouts >= HANG_THRESHOLD) return { ok: false, detail: `redis not answering: ${this.lastError ?? 'timeouts'}` };
    if (this.ready) return { ok: true, detail: 'redis connected' };
    return { ok: false, detail: `redis ${this.client.status}${this.lastError ? `: ${this.lastError}` : ''}` };
  }

  /**
   * Waits (bounded) for the very first connection, so turns right after start
   * are not answered without memory only because the socket was still opening.
   * Once Redis was reachable, an outage fails fast instead.
   */
  async firstConnection(timeoutMs: number): Promise<void> {
    if (this.wasReady || this.ready) return;
    const connecting = ['wait', 'connecting', 'connect'].includes(this.client.status);
    if (!connecting) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done);
        this.client.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.client.once('ready', done);
      this.client.once('error', done);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
