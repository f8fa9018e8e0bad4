import type { HttpExtension } from './app.js';
import { isPublicPath } from './chat-paths.js';
import { RequestProblem } from './reply-table.js';
import { presentedToken, sameSecret } from './secret-compare.js';

/**
 * `AUTH_TOKEN`: every call except the probes (see `isPublicPath`) carries the token as `Authorization: Bearer …`
 * or `?token=…` (Yishiting's admin page configures a URL, not headers), or is
 * refused with 401 before its body is read. `/health`, `/ready` and
 * `/metrics` stay outside (metrics has its own token).
 */
export function authTokenGuard(token: string): HttpExtension {
  return {
    middleware: async (ctx, next) => {
      if (isPublicPath(ctx.path)) return next();
      const presented = presentedToken(ctx.get('Authorization'), ctx.query);
      if (presented === undefined) {
        throw unauthorized('Authorization: missing; send "Authorization: Bearer <token>" or ?token=<token>');
      }
      if (!sameSecret(presented, token)) throw unauthorized('Authorization: wrong token');
      return next();
    },
  };
}

function unauthorized(detail: string): RequestProblem {
  return new RequestProblem('unauthorized', detail, { 'WWW-Authenticate': 'Bearer' });
}
