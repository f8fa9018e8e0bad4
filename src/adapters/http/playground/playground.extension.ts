import type { HttpExtension } from '../app.js';
import { buildInlinePage, sendInlinePage } from '../inline-page.js';

/**
 * `GET /playground`: a page for operators to try the bot in a browser
 * through the service's own `/chat` and `/chat/sync`. When switched off it
 * adds nothing, so the path answers 404 like any unknown route. Credentials
 * (`AUTH_TOKEN`) are checked by the auth guard, which covers this path.
 */
export function playgroundExtension(options: { readonly enabled: boolean }): HttpExtension {
  if (!options.enabled) return {};
  const page = buildInlinePage(new URL('./', import.meta.url), 'playground');
  return {
    routes(router) {
      router.get('/playground', (ctx) => {
        sendInlinePage(ctx, page);
      });
    },
  };
}
