import { hasHealthCheck, type HealthStatus } from '../../application/ports/health-check.port.js';
import type { HttpExtension } from './app.js';

/** One dependency `GET /ready` asks about. */
export interface ReadinessCheck {
  readonly name: string;
  check(signal: AbortSignal): Promise<HealthStatus>;
}

/** A probe answers well inside a typical 5 s probe timeout even when a dependency hangs. */
const CHECK_TIMEOUT_MS = 2000;

/**
 * The readiness check of a bound adapter, if it offers one: `health(signal)`
 * (the `HealthCheck` port) or a simpler `ready()` returning a boolean or a
 * status. Adapters without either are not asked.
 */
export function adapterCheck(name: string, adapter: unknown): ReadinessCheck | undefined {
  if (hasHealthCheck(adapter)) return { name, check: (signal) => adapter.health(signal) };
  const ready = (adapter as { ready?: unknown } | null)?.ready;
  if (typeof ready !== 'function') return undefined;
  return {
    name,
    check: async () => {
      const result: unknown = await ready.call(adapter);
      return typeof result === 'boolean' ? { ok: result } : (result as HealthStatus);
    },
  };
}

/**
 * `GET /ready`: 200 when every dependency is ready, else 503; always 503
 * once shutdown has begun, so a load balancer stops sending calls.
 * Body: `{status: 'ready'|'not_ready', checks: {name: {ok, detail}}}`.
 */
export function readinessExtension(checks: readonly ReadinessCheck[], stopping: AbortSignal): HttpExtension {
  return {
    routes(router) {
      router.get('/ready', async (ctx) => {
        const results = await Promise.all(checks.map(async (c) => [c.name, await runCheck(c)] as const));
        if (stopping.aborted) results.push(['shutdown', { ok: false, detail: 'shutting down' }]);
        const ok = results.every(([, r]) => r.ok);
        ctx.status = ok ? 200 : 503;
        ctx.set('Cache-Control', 'no-store');
        ctx.body = { status: ok ? 'ready' : 'not_ready', checks: Object.fromEntries(results) };
      });
    },
  };
}

async function runCheck(c: ReadinessCheck): Promise<HealthStatus> {
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  const timedOut = new Promise<HealthStatus>((resolve) =>
    signal.addEventListener('abort', () => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` })),
  );
  try {
    const status = await Promise.race([c.check(signal), timedOut]);
    return { ok: status.ok === true, ...(status.detail ? { detail: String(status.detail).slice(0, 200) } : {}) };
  } catch (error) {
    return { ok: false, detail: `check failed: ${error instanceof Error ? error.message.slice(0, 200) : 'unknown error'}` };
  }
}
