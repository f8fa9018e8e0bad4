import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A page as served: one HTML document and the CSP that lets exactly its own script and style run. */
export interface InlinePage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Builds `<name>.html` of `folder` with `<name>.css` and `<name>.client.js`
 * inlined at its `/*STYLE*\/` and `/*SCRIPT*\/` placeholders, so the page
 * needs nothing else. The page never changes while the process runs, so
 * hashes (not per-request nonces) allow its inline code, and nothing from any
 * other origin may load or be called (`connect-src 'self'` for its API).
 */
export function buildInlinePage(folder: URL, name: string): InlinePage {
  const asset = (file: string) => readFileSync(new URL(file, folder), 'utf8');
  const style = `\n${asset(`${name}.css`)}`;
  const script = `\n${asset(`${name}.client.js`)}`;
  const template = asset(`${name}.html`);
  if (!template.includes('/*STYLE*/') || !template.includes('/*SCRIPT*/')) throw new Error(`${name}.html lost its /*STYLE*/ or /*SCRIPT*/ placeholder`);
  // A function replacement, so `$&`-like sequences in the assets stay literal.
  const html = template.replace('/*STYLE*/', () => style).replace('/*SCRIPT*/', () => script);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/** Sends the page with its CSP; no Referer (the URL may carry ?token=), no caching, no framing. */
export function sendInlinePage(ctx: { set(field: string, value: string): void; type: string; body: unknown }, page: InlinePage): void {
  ctx.set('Content-Security-Policy', page.contentSecurityPolicy);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  ctx.set('Cache-Control', 'no-store');
  ctx.set('X-Frame-Options', 'DENY');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = page.html;
}
