import { defineSection, int, str } from '../section.js';

/** Who may call, how much, how a stream is kept alive, what is measured, and how the service stops. */
export const hardeningSection = defineSection({
  env: {
    AUTH_TOKEN: str(),
    AUTH_HMAC_SECRET: str(),
    RATE_LIMIT_PER_USER_PER_MIN: int(1, 1_000_000),
    MAX_CONCURRENT_TURNS: int(1, 1_000_000, 2000),
    SSE_SLOW_READER_MS: int(50, 600_000, 10_000),
    SSE_KEEPALIVE_MS: int(0, 600_000, 0),
    METRICS_TOKEN: str(),
    SHUTDOWN_DRAIN_MS: int(0, 600_000, 60_000),
  },
  build: (v) => ({
    /** When set, chat calls must carry it (`Authorization: Bearer …` or `?token=…`). */
    authToken: v.AUTH_TOKEN as string | undefined,
    /** When set, chat calls must be signed: HMAC-SHA256 of `timestamp + "." + raw body`. */
    hmacSecret: v.AUTH_HMAC_SECRET as string | undefined,
    /** Turns per `user` per minute; unset means no limit. */
    ratePerUserPerMin: v.RATE_LIMIT_PER_USER_PER_MIN as number | undefined,
    /** Turns running at once; past it new calls get the "busy" reply at once. */
    maxConcurrentTurns: v.MAX_CONCURRENT_TURNS as number,
    /** How long a stream waits for a client that does not read before dropping it. */
    slowReaderMs: v.SSE_SLOW_READER_MS as number,
    /** Idle time after which a `: keep-alive` comment is sent; 0 is off. */
    keepAliveMs: v.SSE_KEEPALIVE_MS as number,
    /** When set, `GET /metrics` requires it. */
    metricsToken: v.METRICS_TOKEN as string | undefined,
    /** How long a shutdown lets in-flight turns finish before ending them with an apology. */
    shutdownDrainMs: v.SHUTDOWN_DRAIN_MS as number,
  }),
});
