import type { HttpExtension } from './app.js';
import { CLIENT_CLOSED_REQUEST } from './client-error.js';
import type { HttpMetrics } from './http-metrics.js';
import { RequestProblem } from './reply-table.js';
import { presentedToken, sameSecret } from './secret-compare.js';

/**
 * Records every call when its response closes (after the error replies set
 * the final status) and serves `GET /metrics` in Prometheus text format,
 * behind `METRICS_TOKEN` when one is set.
 */
export function metricsExtension(metrics: HttpMetrics, token?: string): HttpExtension {
  return {
    middleware: async (ctx, next) => {
      // Recorded once both the response has closed (the error replies have set the final status)
      // and the route has finished (a hung-up stream's route sets its outcome after the socket closed).
      let pending = 2;
      const record = () => {
        if (--pending > 0) return;
        const { startedAt, firstFrameAt, outcome, turn } = ctx.state;
        metrics.record({
          // The router's pattern, not the path: unknown paths must not create label values.
          route: (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched',
          method: ctx.method,
          // No reply ever went out: the caller left first (the error replies may not have run yet).
          status: ctx.headerSent ? ctx.status : CLIENT_CLOSED_REQUEST,
          durationS: (Date.now() - startedAt) / 1000,
          firstFrameS: firstFrameAt === undefined ? undefined : (firstFrameAt - startedAt) / 1000,
          outcome,
          turn,
        });
      };
      ctx.res.once('close', record);
      try {
        await next();
      } finally {
        record();
      }
    },
    routes(router) {
      router.get('/metrics', async (ctx) => {
        if (token) {
          const presented = presentedToken(ctx.get('Authorization'), ctx.query);
          if (presented === undefined || !sameSecret(presented, token)) {
            throw new RequestProblem('unauthorized', 'Authorization: /metrics needs METRICS_TOKEN as a bearer token');
          }
        }
        ctx.type = metrics.registry.contentType;
        ctx.body = await metrics.registry.metrics();
      });
    },
  };
}
