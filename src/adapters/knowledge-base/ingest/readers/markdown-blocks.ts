import type { Block } from '../blocks.js';
import { joinLines } from './reader-support.js';

/**
 * Markdown body to blocks, line by line in linear time (a regex over the
 * whole text once backtracked cubically on a long line of spaces): ATX and
 * setext headings, paragraphs, `-`/`*`/`+`/`1.` list items, GFM pipe tables,
 * fenced code kept verbatim as a paragraph. Inline links and emphasis are
 * reduced to their text.
 */
export function markdownToBlocks(body: string): Block[] {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  let item: string[] | undefined;
  const flush = (): void => {
    if (para.length) pushText(blocks, 'paragraph', joinLines(para));
    if (item) pushText(blocks, 'list_item', joinLines(item));
    para = [];
    item = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const trimmed = line.trim();
    if (!trimmed) {
      flush();
      continue;
    }
    const fence = /^(`{3,}|~{3,})/.exec(trimmed);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !(lines[i] as string).trim().startsWith(fence[1] as string); i++) code.push(lines[i] as string);
      if (code.join('').trim()) blocks.push({ kind: 'paragraph', text: code.join('\n').trim() });
      continue;
    }
    const atx = atxHeading(trimmed);
    if (atx) {
      flush();
      pushHeading(blocks, atx.level, atx.text);
      continue;
    }
    if (para.length && !item && /^(=+|-+)$/.test(trimmed)) {
      const text = joinLines(para);
      para = [];
      pushHeading(blocks, trimmed.startsWith('=') ? 1 : 2, text);
      continue;
    }
    if (trimmed.includes('|') && i + 1 < lines.length && TABLE_RULE.test((lines[i + 1] as string).trim())) {
      flush();
      const header = cells(trimmed);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && (lines[i] as string).includes('|') && (lines[i] as string).trim(); i++) rows.push(cells((lines[i] as string).trim()));
      i--;
      blocks.push({ kind: 'table', header, rows });
      continue;
    }
    const bullet = /^(?:[-*+]|\d{1,9}[.)])[ \t]+(.*)$/.exec(trimmed);
    if (bullet && !/^([-*_])(?:[ \t]*\1){2,}$/.test(trimmed)) {
      flush();
      item = [inline(bullet[1] as string)];
      continue;
    }
    if (/^([-*_])(?:[ \t]*\1){2,}$/.test(trimmed)) {
      flush();
      continue;
    }
    const quoted = trimmed.replace(/^>+[ \t]?/, '');
    (item ?? para).push(inline(quoted));
  }
  flush();
  return blocks;
}

const TABLE_RULE = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?$/;

function atxHeading(line: string): { level: number; text: string } | undefined {
  let level = 0;
  while (level < line.length && level < 7 && line[level] === '#') level++;
  if (level === 0 || level > 6) return undefined;
  if (level < line.length && line[level] !== ' ' && line[level] !== '\t') return undefined;
  let text = line.slice(level).trim();
  let cut = text.length;
  while (cut > 0 && text[cut - 1] === '#') cut--;
  if (cut < text.length && (cut === 0 || /\s/.test(text[cut - 1] as string))) text = text.slice(0, cut).trim();
  return { level, text: inline(text) };
}

/** A pipe-table row's cells; `\|` is a literal bar. */
function cells(row: string): string[] {
  const inner = row.replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => inline(c.replace(/\\\|/g, '|').trim()));
}

/** Inline Markdown reduced to the words a reader sees; bounded repetitions keep each pass linear on hostile lines. */
function inline(text: string): string {
  return text
    .replace(/!?\[([^\]\n]{0,500})\]\([^()\s]{0,2000}\)/g, '$1')
    .replace(/\*\*/g, '')
    .replace(/`([^`\n]{1,500})`/g, '$1');
}

function pushHeading(blocks: Block[], level: number, text: string): void {
  if (text) blocks.push({ kind: 'heading', level, text });
}

function pushText(blocks: Block[], kind: 'paragraph' | 'list_item', text: string): void {
  if (text) blocks.push({ kind, text });
}
