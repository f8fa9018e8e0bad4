import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';
import type { Block } from '../blocks.js';
import { collapseHtmlWhitespace } from './cjk-text.js';

/** Never content: scripts and page chrome (navigation, header, footer, side bars). */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'nav', 'header', 'footer', 'aside', 'head', 'svg', 'iframe', 'object', 'button', 'select', 'dialog']);
const BLOCK = new Set(['table', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th', 'p', 'div', 'section', 'blockquote', 'pre', 'dd', 'dt', 'dl', 'figure', 'figcaption', 'address', 'ul', 'ol', 'form', 'fieldset', 'details', 'summary', 'center', 'hr', 'caption', 'main', 'article', 'body', 'html']);
const HEADING = /^h([1-6])$/;
/** `<br>` inside collected text, turned into `\n` after white space is collapsed. */
const BR = '\u2028';

export interface HtmlContent {
  readonly title?: string;
  /** `<link rel="canonical">` when it is an absolute http(s) URL. */
  readonly url?: string;
  readonly blocks: Block[];
}

/**
 * HTML to blocks: the main content only (`<main>`, else `[role=main]`, else
 * `<article>`, else the body), without scripts, styles, navigation, header,
 * footer, side bars or hidden elements. The walk is iterative, so a file of
 * deeply nested elements cannot overflow the stack.
 */
export function htmlToBlocks(html: string): HtmlContent {
  const doc = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const all = elements(doc.children);
  const root =
    all.find((e) => e.name === 'main' && !dropped(e)) ??
    all.find((e) => e.attribs.role === 'main' && !dropped(e)) ??
    all.find((e) => e.name === 'article' && !dropped(e));
  const blocks = collect(root ? [root] : doc.children);
  const titleElement = all.find((e) => e.name === 'title');
  const title = (titleElement && collapseHtmlWhitespace(rawText(titleElement.children))) || firstH1(blocks);
  return { title: title || undefined, url: canonical(all), blocks };
}

function dropped(e: Element): boolean {
  if (DROPPED.has(e.name) || 'hidden' in e.attribs || e.attribs['aria-hidden'] === 'true') return true;
  const style = e.attribs.style;
  return style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style);
}

/** Every element in document order, walked without recursion. */
function elements(nodes: readonly ChildNode[]): Element[] {
  const out: Element[] = [];
  const stack = [...nodes].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
    const e = node as Element;
    out.push(e);
    for (let i = e.children.length - 1; i >= 0; i--) stack.push(e.children[i] as ChildNode);
  }
  return out;
}

/** The text under nodes, `<br>` as BR, dropped elements skipped; not yet collapsed. */
function rawText(nodes: readonly ChildNode[]): string {
  let text = '';
  const stack = [...nodes].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'text') text += node.data;
    else if (node.type === 'tag') {
      if (dropped(node)) continue;
      if (node.name === 'br') text += BR;
      else if (BLOCK.has(node.name) || node.name === 'li' || node.name === 'tr' || HEADING.test(node.name)) text += ' ';
      else if (node.name === 'td' || node.name === 'th') text += ' ';
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as ChildNode);
    }
  }
  return text;
}

type Step = { node: ChildNode } | { end: 'flush' | 'item' };

function collect(nodes: readonly ChildNode[]): Block[] {
  const blocks: Block[] = [];
  let buffer = '';
  let inItem = 0;
  const flush = (): void => {
    const text = collapseHtmlWhitespace(buffer);
    buffer = '';
    if (text) blocks.push({ kind: inItem > 0 ? 'list_item' : 'paragraph', text });
  };
  const stack: Step[] = [...nodes].reverse().map((node) => ({ node }));
  for (let step = stack.pop(); step; step = stack.pop()) {
    if ('end' in step) {
      flush();
      if (step.end === 'item') inItem--;
      continue;
    }
    const node = step.node;
    if (node.type === 'text') {
      buffer += node.data;
      continue;
    }
    if (node.type !== 'tag' || dropped(node)) continue;
    const heading = HEADING.exec(node.name);
    if (node.name === 'br') buffer += BR;
    else if (heading) {
      flush();
      const text = collapseHtmlWhitespace(rawText(node.children)).replace(/\n/g, ' ');
      if (text) blocks.push({ kind: 'heading', level: Number(heading[1]), text });
    } else if (node.name === 'table' && !isLayoutTable(node)) {
      flush();
      const table = tableBlock(node);
      if (table) blocks.push(table);
    } else {
      const isItem = node.name === 'li';
      const isBlock = isItem || BLOCK.has(node.name);
      if (isBlock) {
        flush();
        if (isItem) inItem++;
        stack.push({ end: isItem ? 'item' : 'flush' });
      }
      for (let i = node.children.length - 1; i >= 0; i--) stack.push({ node: node.children[i] as ChildNode });
    }
  }
  flush();
  return blocks;
}

/**
 * A table used to lay out a page (old wiki exports put the whole page in
 * one): a cell holds headings, lists or another table, or there is only one
 * column. Its content is read as the page's flow, not as rows.
 */
function isLayoutTable(table: Element): boolean {
  let columns = 0;
  for (const e of elements(table.children)) {
    if (HEADING.test(e.name) || e.name === 'ul' || e.name === 'ol' || e.name === 'table') return true;
    if (e.name === 'tr') columns = Math.max(columns, e.children.filter((c) => c.type === 'tag' && (c.name === 'td' || c.name === 'th')).length);
  }
  return columns <= 1;
}

/** A table's rows (not those of tables nested in its cells); the `<th>` row or else the first row is the header. */
function tableBlock(table: Element): Block | undefined {
  const rows: string[][] = [];
  const stack = [...table.children].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type !== 'tag' || dropped(node)) continue;
    if (node.name === 'tr') {
      const cells = node.children.filter((c): c is Element => c.type === 'tag' && (c.name === 'td' || c.name === 'th'));
      const texts = cells.flatMap((c) => {
        const span = Math.min(Math.max(Number.parseInt(c.attribs.colspan ?? '1', 10) || 1, 1), 50);
        return Array<string>(span).fill(collapseHtmlWhitespace(rawText(c.children)).replace(/\n/g, ' '));
      });
      if (texts.some(Boolean)) rows.push(texts);
    } else if (node.name !== 'table') {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as ChildNode);
    }
  }
  const first = rows[0];
  if (!first) return undefined;
  return { kind: 'table', header: first, rows: rows.slice(1) };
}

function canonical(all: readonly Element[]): string | undefined {
  for (const e of all) {
    if (e.name !== 'link' || !(e.attribs.rel ?? '').toLowerCase().split(/\s+/).includes('canonical')) continue;
    try {
      const url = new URL((e.attribs.href ?? '').trim());
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // not an absolute URL: the folder's URL template applies instead
    }
  }
  return undefined;
}

function firstH1(blocks: readonly Block[]): string | undefined {
  for (const b of blocks) if (b.kind === 'heading' && b.level === 1) return b.text;
  return undefined;
}
