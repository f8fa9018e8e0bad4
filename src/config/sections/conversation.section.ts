import { defineSection, int, str, url } from '../section.js';

/** Multi-turn memory, idempotency on `msg_id`, where that state lives, and async delivery. */
export const conversationSection = defineSection({
  env: {
    SESSION_STORE: { enum: ['memory', 'redis'], default: 'memory' },
    REDIS_URL: { type: 'string', pattern: '^rediss?://[^\\s]+$' },
    REDIS_KEY_PREFIX: str('yst:'),
    REDIS_COMMAND_TIMEOUT_MS: int(50, 10_000, 500),
    SESSION_MAX_TURNS: int(0, 100, 10),
    SESSION_HISTORY_CHARS: int(0, 200_000, 4000),
    SESSION_TTL_S: int(1, 30 * 24 * 3600, 1800),
    SESSION_MAX_SESSIONS: int(1, 10_000_000, 10_000),
    IDEMPOTENCY_TTL_S: int(0, 7 * 24 * 3600, 600),
    IDEMPOTENCY_LEASE_MS: int(300, 600_000, 5000),
    ASYNC_PUSH_URL: url(),
    ASYNC_PUSH_ATTEMPTS: int(1, 20, 5),
    ASYNC_PUSH_BACKOFF_MS: int(1, 60_000, 500),
    ASYNC_PUSH_TIMEOUT_MS: int(100, 120_000, 10_000),
  },
  check: (v) =>
    v.SESSION_STORE === 'redis' && !v.REDIS_URL
      ? ['REDIS_URL: is required when SESSION_STORE=redis (e.g. redis://127.0.0.1:6379/0)']
      : [],
  build: (v) => ({
    /** `memory` (one instance) or `redis` (shared by every instance). */
    store: v.SESSION_STORE as 'memory' | 'redis',
    redisUrl: v.REDIS_URL as string | undefined,
    /** Prefix of every key this service writes in Redis. */
    redisKeyPrefix: v.REDIS_KEY_PREFIX as string,
    /** Upper bound on one Redis command, so a hung Redis never stalls a turn for long. */
    redisCommandTimeoutMs: v.REDIS_COMMAND_TIMEOUT_MS as number,
    /** Exchanges kept per conversation; 0 switches memory off. */
    maxTurns: v.SESSION_MAX_TURNS as number,
    /** Upper bound on the characters of history put into a prompt. */
    historyChars: v.SESSION_HISTORY_CHARS as number,
    /** A conversation is forgotten this long after its last answered turn. */
    ttlMs: (v.SESSION_TTL_S as number) * 1000,
    /** Conversations (and idempotency records) held by the memory store; least recently used dropped first. */
    maxSessions: v.SESSION_MAX_SESSIONS as number,
    /** A repeated `msg_id` is replayed, not answered again, within this long; 0 switches it off. */
    idempotencyTtlMs: (v.IDEMPOTENCY_TTL_S as number) * 1000,
    /** The lease of a running turn's claim, renewed every third of it; a dead owner's claim lapses after it. */
    idempotencyLeaseMs: v.IDEMPOTENCY_LEASE_MS as number,
    /** Where `/chat/async` answers are POSTed; without it `/chat/async` answers 503. */
    asyncPushUrl: v.ASYNC_PUSH_URL as string | undefined,
    asyncPushAttempts: v.ASYNC_PUSH_ATTEMPTS as number,
    /** Delay before the second push attempt; doubled for each further one. */
    asyncPushBackoffMs: v.ASYNC_PUSH_BACKOFF_MS as number,
    asyncPushTimeoutMs: v.ASYNC_PUSH_TIMEOUT_MS as number,
  }),
});
