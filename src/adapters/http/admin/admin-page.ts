import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const asset = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

/**
 * The admin page as served: one HTML document with its stylesheet and script
 * inlined, and a CSP that lets exactly those run (hashes; nothing from any
 * other origin). The chart is inline SVG drawn by that script.
 */
export function buildAdminPage(): { html: string; contentSecurityPolicy: string } {
  const style = `\n${asset('admin.css')}`;
  const script = `\n${asset('admin.client.js')}`;
  const template = asset('admin.html');
  if (!template.includes('/*STYLE*/') || !template.includes('/*SCRIPT*/')) throw new Error('admin.html lost its /*STYLE*/ or /*SCRIPT*/ placeholder');
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
