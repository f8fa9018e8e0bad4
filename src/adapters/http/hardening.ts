import type { Redis } from 'ioredis';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { Config } from '../../config/config.js';
import type { HttpExtension } from './app.js';
import { authTokenGuard } from './auth-token.guard.js';
import type { TurnOptions } from './chat.routes.js';
import { hmacSignatureGuard } from './hmac-signature.guard.js';
import { HttpMetrics } from './http-metrics.js';
import { metricsExtension } from './metrics.extension.js';
import { rateLimitGuard } from './rate-limit.guard.js';
import { adapterCheck, readinessExtension, type ReadinessCheck } from './readiness.extension.js';
import { redisReadiness } from './redis-readiness.check.js';
import { ServiceLifecycle } from './service-lifecycle.js';
import { TurnGate } from './turn-gate.js';
import { createUserRateLimiter } from './user-rate-limiter.factory.js';

export interface HardeningDeps {
  readonly log: LoggerPort;
  /** The bound adapters; those with a `health(signal)` or `ready()` method are asked by `/ready`. */
  readonly adapters: Readonly<Record<string, unknown>>;
  /** The shared Redis client when `SESSION_STORE=redis`: rate limits are then shared, and `/ready` pings it. */
  readonly redis?: Redis;
}

/** Everything production hardening adds to the app: extensions (in order), route options, and the lifecycle. */
export interface Hardening {
  readonly extensions: readonly HttpExtension[];
  readonly turnOptions: TurnOptions;
  readonly lifecycle: ServiceLifecycle;
  readonly metrics: HttpMetrics;
}

/** Builds the guards, metrics, readiness and stopping state from the `hardening` config section. */
export function buildHardening(config: Config, deps: HardeningDeps): Hardening {
  const settings = config.hardening;
  const lifecycle = new ServiceLifecycle();
  const gate = new TurnGate(settings.maxConcurrentTurns);
  const metrics = new HttpMetrics(() => gate.inFlight);
  const checks: ReadinessCheck[] = Object.entries(deps.adapters).flatMap(([name, a]) => adapterCheck(name, a) ?? []);
  if (deps.redis) checks.push(redisReadiness(deps.redis));

  const extensions: HttpExtension[] = [metricsExtension(metrics, settings.metricsToken), readinessExtension(checks, lifecycle.stopping)];
  if (settings.authToken) extensions.push(authTokenGuard(settings.authToken));
  if (settings.hmacSecret) extensions.push(hmacSignatureGuard(settings.hmacSecret));
  if (settings.ratePerUserPerMin) {
    extensions.push(rateLimitGuard(createUserRateLimiter(settings.ratePerUserPerMin, deps.redis), deps.log));
  }
  return {
    extensions,
    lifecycle,
    metrics,
    turnOptions: {
      slowReaderMs: Math.min(settings.slowReaderMs, config.server.deadlineMs),
      keepAliveMs: settings.keepAliveMs,
      cutSignal: lifecycle.cutSignal,
      gate,
      streams: metrics,
    },
  };
}
