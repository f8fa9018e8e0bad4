import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

const KEY_PREFIX = 'yst:rate:user';

/**
 * The per-user limiter behind `RATE_LIMIT_PER_USER_PER_MIN`: `perMinute`
 * turns per user per rolling minute. In memory by default (one instance);
 * given an ioredis client, the count is shared by every instance that uses
 * the same Redis, with an in-memory limiter taking over while Redis is
 * unreachable (per instance, so the limit is briefly per instance).
 */
export function createUserRateLimiter(perMinute: number, redis?: Redis): RateLimiterAbstract {
  const options = { points: perMinute, duration: 60, keyPrefix: KEY_PREFIX };
  if (!redis) return new RateLimiterMemory(options);
  return new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) });
}
