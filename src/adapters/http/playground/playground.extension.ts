import type { HttpExtension } from '../app.js';
import { buildPlaygroundPage } from './playground-page.js';

/**
 * `GET /playground`: a page for operators to try the bot in a browser
 * through the service's own `/chat` and `/chat/sync`. When switched off it
 * adds nothing, so the path answers 404 like any unknown route. Credentials
 * (`AUTH_TOKEN`) are checked by the auth guard, which covers this path.
 */
export function playgroundExtension(options: { readonly enabled: boolean }): HttpExtension {
  if (!options.enabled) return {};
  const page = buildPlaygroundPage();
  return {
    routes(router) {
      router.get('/playground', (ctx) => {
        ctx.set('Content-Security-Policy', page.contentSecurityPolicy);
        ctx.set('X-Content-Type-Options', 'nosniff');
        // The page may carry ?token=: keep it out of Referer headers and caches.
        ctx.set('Referrer-Policy', 'no-referrer');
        ctx.set('Cache-Control', 'no-store');
        ctx.set('X-Frame-Options', 'DENY');
        ctx.type = 'text/html; charset=utf-8';
        ctx.body = page.html;
      });
    },
  };
}
