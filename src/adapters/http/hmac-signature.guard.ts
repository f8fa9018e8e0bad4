import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HttpExtension } from './app.js';
import { ReplayCache } from './replay-cache.js';
import { RequestProblem } from './reply-table.js';

/** How far `X-Timestamp` may be from the server's clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** The signature a sender puts in `X-Signature` (hex; `sha256=<hex>` is accepted too). */
export function signBody(secret: string, timestampS: number | string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestampS}.`).update(rawBody).digest('hex');
}

/**
 * `AUTH_HMAC_SECRET`: chat calls carry `X-Timestamp` (unix seconds) and
 * `X-Signature` = HMAC-SHA256(secret, timestamp + "." + raw body). Checked
 * after the body is read (the bytes as received, not re-serialised JSON) and
 * before the turn; a stale timestamp or a signature seen before is refused.
 */
export function hmacSignatureGuard(secret: string, now: () => number = Date.now): HttpExtension {
  // A signature only needs remembering while its timestamp is still acceptable.
  const replays = new ReplayCache(2 * SIGNATURE_WINDOW_MS, 100_000, now);
  return {
    admission: async (ctx, next) => {
      // Admission runs on every chat body, whatever the route is spelled: no path test to get wrong.
      const timestamp = ctx.get('X-Timestamp');
      const signature = ctx.get('X-Signature').replace(/^sha256=/i, '').toLowerCase();
      if (!/^\d{1,12}$/.test(timestamp)) throw unauthorized('X-Timestamp: missing or not unix seconds');
      if (!/^[0-9a-f]{64}$/.test(signature)) throw unauthorized('X-Signature: missing or not a hex HMAC-SHA256');
      if (Math.abs(now() - Number(timestamp) * 1000) > SIGNATURE_WINDOW_MS) {
        throw unauthorized('X-Timestamp: outside the 5-minute window; check the sender clock');
      }
      // The bytes as received (kept by the body reader), never text re-encoded from them.
      const rawBytes = (ctx.request as { rawBytes?: Buffer }).rawBytes ?? Buffer.alloc(0);
      const expected = Buffer.from(signBody(secret, timestamp, rawBytes), 'hex');
      if (!timingSafeEqual(Buffer.from(signature, 'hex'), expected)) throw unauthorized('X-Signature: does not match the body');
      if (!replays.remember(signature)) throw unauthorized('X-Signature: already used (replayed request)');
      return next();
    },
  };
}

function unauthorized(detail: string): RequestProblem {
  return new RequestProblem('unauthorized', detail);
}
