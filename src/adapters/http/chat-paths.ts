/**
 * The only paths the credentials guards let through without credentials:
 * probes, and `/metrics` (which checks `METRICS_TOKEN` in its own handler).
 *
 * The guards used to list what they protect (`/chat…`, `/playground`) and
 * compared paths case-sensitively while the router matched them
 * case-insensitively, so `POST /CHAT/SYNC` was routed to the chat handler and
 * never asked for a token. Now the router is case-sensitive too, and the
 * guards protect every path except these exact spellings: a path the router
 * might match in some other spelling (case, trailing slash, encoding, double
 * slashes) is at worst asked for credentials, never let through unasked.
 */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/** Whether a call on `path` (Koa's `ctx.path`, as received) may skip the credentials guards. */
export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.has(path);
}

/** Options for `@koa/router` so it matches paths exactly as the guards see them. */
export const ROUTER_OPTIONS = { sensitive: true } as const;
