import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { HttpExtension } from './app.js';
import { RequestProblem } from './reply-table.js';

/**
 * `RATE_LIMIT_PER_USER_PER_MIN`: each chat body's `user` spends one point;
 * past the limit the call gets 429 with `Retry-After` before any turn runs.
 * A body without a usable `user` is left for validation to refuse (400).
 */
export function rateLimitGuard(limiter: RateLimiterAbstract, log: LoggerPort): HttpExtension {
  return {
    admission: async (ctx, next) => {
      const user = (ctx.request.body as { user?: unknown } | undefined)?.user;
      if (typeof user !== 'string' || user === '') return next();
      try {
        await limiter.consume(user);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          const retryAfterS = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          throw new RequestProblem(
            'rate_limited',
            `user: more than ${limiter.points} calls per minute; retry in ${retryAfterS} s`,
            { 'Retry-After': String(retryAfterS) },
          );
        }
        // The store failed (and had no fallback): serving the call beats refusing everyone.
        log.warn('rate limiter unavailable; call let through', { traceId: ctx.state.traceId, error: (rejection as Error)?.message });
      }
      return next();
    },
  };
}
