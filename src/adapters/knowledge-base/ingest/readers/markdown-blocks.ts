import type { Block } from '../blocks.js';
import { joinLines } from './cjk-text.js';

/**
 * Markdown body to blocks, line by line in linear time (no regex that can
 * backtrack over a long line): ATX and setext headings, paragraphs, list
 * items, GFM pipe tables, fenced code (kept verbatim as a paragraph),
 * block quotes (as paragraphs). Inline markup is reduced to its text.
 */
export function markdownToBlocks(body: string): Block[] {
  const lines = body.split(/\r?\n/);
  const blocks: Block[] = [];
  let para: string[] = [];
  let item: string[] | undefined;
  const flush = (): void => {
    if (item) {
      const text = inline(joinLines(item));
      if (text) blocks.push({ kind: 'list_item', text });
      item = undefined;
    }
    if (para.length) {
      const text = inline(joinLines(para));
      if (text) blocks.push({ kind: 'paragraph', text });
      para = [];
    }
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
      // The fences stay: the passage is quoted as code, and the extractive answer keeps a code
      // block with the sentence that introduces it ("在 location 中加上：").
      const body = code.join('\n').replace(/^\n+|\s+$/g, '');
      if (body.trim()) blocks.push({ kind: 'paragraph', text: `${fence[1]}\n${body}\n${fence[1]}` });
      continue;
    }
    const heading = atxHeading(trimmed);
    if (heading) {
      flush();
      if (heading.text) blocks.push({ kind: 'heading', level: heading.level, text: inline(heading.text) });
      continue;
    }
    if (para.length === 1 && !item && /^(=+|-+)$/.test(trimmed)) {
      blocks.push({ kind: 'heading', level: trimmed.startsWith('=') ? 1 : 2, text: inline(para[0] as string) });
      para = [];
      continue;
    }
    if (trimmed.includes('|') && i + 1 < lines.length && isDelimiterRow((lines[i + 1] as string).trim())) {
      flush();
      const header = cells(trimmed);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && (lines[i] as string).trim().includes('|'); i++) rows.push(cells((lines[i] as string).trim()));
      i--;
      blocks.push({ kind: 'table', header, rows });
      continue;
    }
    if (/^(?:-{3,}|\*{3,}|_{3,})$/.test(trimmed)) {
      flush();
      continue;
    }
    const bullet = /^(?:[-*+]|\d{1,9}[.)])[ \t]+/.exec(trimmed);
    if (bullet) {
      flush();
      item = [trimmed.slice(bullet[0].length)];
      continue;
    }
    const quoted = trimmed.startsWith('>') ? trimmed.replace(/^(?:>[ \t]?)+/, '') : trimmed;
    if (item && /^[ \t]/.test(line)) item.push(quoted);
    else {
      if (item) flush();
      para.push(quoted);
    }
  }
  flush();
  return blocks;
}

/** `## Title ##` → level 2, `Title`; undefined when the line is not a heading. */
function atxHeading(line: string): { level: number; text: string } | undefined {
  let level = 0;
  while (level < line.length && level < 7 && line[level] === '#') level++;
  if (level === 0 || level > 6) return undefined;
  if (level < line.length && line[level] !== ' ' && line[level] !== '\t') return undefined;
  let text = line.slice(level).trim();
  let cut = text.length;
  while (cut > 0 && text[cut - 1] === '#') cut--;
  if (cut < text.length && (cut === 0 || /\s/.test(text[cut - 1] as string))) text = text.slice(0, cut).trim();
  return { level, text };
}

function isDelimiterRow(line: string): boolean {
  if (!line.includes('-')) return false;
  const parts = splitRow(line);
  return parts.length > 0 && parts.every((p) => /^:?-+:?$/.test(p.trim()));
}

function cells(line: string): string[] {
  return splitRow(line).map((cell) => inline(cell.trim()));
}

/** A pipe row's cells: outer pipes optional, `\|` is a literal pipe. */
function splitRow(line: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === '\\' && line[i + 1] === '|') {
      current += '|';
      i++;
    } else if (ch === '|') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  if (line.startsWith('|')) parts.shift();
  if (line.endsWith('|') && !line.endsWith('\\|')) parts.pop();
  return parts;
}

/** Inline markup to its text: links and images to their text, emphasis and code marks dropped. */
function inline(text: string): string {
  return text
    // Each class excludes its own opener so a scan stops at the next try: linear on `[[[[…`.
    .replace(/!?\[([^[\]\n]*)\]\([^()\n]*\)/g, '$1')
    .replace(/<[a-zA-Z/][^<>\n]*>/g, '')
    .replace(/(\*\*|__|~~|`)/g, '')
    .trim();
}
