import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The playground as served: one HTML document and the CSP that lets exactly its own script and style run. */
export interface PlaygroundPage {
  readonly html: string;
  readonly contentSecurityPolicy: string;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const asset = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

/**
 * Builds the page from the files next to this one, inlining the stylesheet
 * and the script so the page needs nothing else. The page never changes
 * while the process runs, so hashes (not per-request nonces) allow its
 * inline code, and nothing from any other origin may load or be called.
 */
export function buildPlaygroundPage(): PlaygroundPage {
  const style = `\n${asset('playground.css')}`;
  const script = `\n${asset('playground.client.js')}`;
  const template = asset('playground.html');
  if (!template.includes('/*STYLE*/') || !template.includes('/*SCRIPT*/')) {
    throw new Error('playground.html lost its /*STYLE*/ or /*SCRIPT*/ placeholder');
  }
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
