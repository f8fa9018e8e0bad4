import type { CallContext } from '../chat.routes.js';
import { RequestProblem } from '../reply-table.js';
import { presentedToken, sameSecret } from '../secret-compare.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Who may use `/admin`: with `ADMIN_TOKEN`, whoever presents it (Bearer,
 * `X-Admin-Token` or `?token=`); without it, loopback callers only, read-only.
 * The socket's address decides, never a header a proxy or client could set.
 */
export function adminAccess(token: string | undefined) {
  return (ctx: CallContext, write: boolean): void => {
    if (token) {
      const presented = ctx.get('X-Admin-Token') || presentedToken(ctx.get('Authorization'), ctx.query);
      if (!presented || !sameSecret(presented, token)) {
        throw new RequestProblem('unauthorized', 'admin: needs ADMIN_TOKEN as "Authorization: Bearer <token>", X-Admin-Token or ?token=', {
          'WWW-Authenticate': 'Bearer',
        });
      }
      return;
    }
    if (write) throw new RequestProblem('unauthorized', 'admin: read-only without ADMIN_TOKEN; set ADMIN_TOKEN to teach the bot from this page');
    if (!LOOPBACK.test(ctx.req.socket.remoteAddress ?? '')) {
      throw new RequestProblem('unauthorized', 'admin: without ADMIN_TOKEN only loopback callers may read it; set ADMIN_TOKEN');
    }
  };
}
