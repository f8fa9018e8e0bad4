import type { CallContext } from '../chat.routes.js';
import { RequestProblem } from '../reply-table.js';
import { presentedToken, sameSecret } from '../secret-compare.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
/** A Host naming this machine's loopback: `localhost`, 127.x.x.x or [::1], with or without a port. */
const LOOPBACK_HOST = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/i;
/** Headers a proxy adds: a call carrying one came from somewhere else, whatever its socket says. */
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/**
 * Who may use `/admin`: with `ADMIN_TOKEN`, whoever presents it (Bearer,
 * `X-Admin-Token` or `?token=`); without it, loopback callers only, read-only.
 * The socket's address decides, never a header a proxy or client could set
 * to get in; but a header can keep a caller out. A loopback socket whose
 * Host is not a loopback name is a browser on this machine sent here by a
 * page of another site (DNS rebinding), and one with a forwarding header is
 * a proxy on this machine relaying a remote caller: neither is the operator.
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
    const host = ctx.get('Host');
    const local =
      LOOPBACK.test(ctx.req.socket.remoteAddress ?? '') &&
      (host === '' || LOOPBACK_HOST.test(host)) &&
      !FORWARDED.some((name) => ctx.get(name) !== '');
    if (!local) {
      throw new RequestProblem(
        'unauthorized',
        'admin: without ADMIN_TOKEN only loopback callers may read it, by http://127.0.0.1 or http://localhost and not through a proxy; set ADMIN_TOKEN',
      );
    }
  };
}
