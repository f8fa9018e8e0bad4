import type { Redis } from 'ioredis';
import type { ReadinessCheck } from './readiness.extension.js';

/** `/ready`'s Redis entry: a PING on the shared client (the session store's or the rate limiter's). */
export function redisReadiness(client: Redis, name = 'redis'): ReadinessCheck {
  return {
    name,
    check: async () => {
      if (client.status !== 'ready') return { ok: false, detail: `connection ${client.status}` };
      const pong: string = await client.ping();
      return { ok: pong === 'PONG', detail: pong === 'PONG' ? 'ping ok' : 'unexpected reply to PING' };
    },
  };
}
