import type { Block } from '../blocks.js';
import { isCjk, joinLines } from './cjk-text.js';

/** A text run as pdfjs gives it: `transform[4..5]` is its origin, `height` its font size. */
export interface PdfTextItem {
  readonly str: string;
  readonly transform: readonly number[];
  readonly width: number;
  readonly height: number;
  readonly hasEOL: boolean;
}

/** One reconstructed line of a page. */
export interface PdfLine {
  readonly text: string;
  readonly y: number;
  readonly size: number;
  readonly page: number;
}

/** The runs of one page as lines: a run whose baseline moves by more than half its size starts a line. */
export function pageLines(items: readonly PdfTextItem[], page: number): PdfLine[] {
  const lines: PdfLine[] = [];
  let runs: { x: number; end: number; str: string }[] = [];
  let y = 0;
  let size = 0;
  const close = (): void => {
    runs.sort((a, b) => a.x - b.x);
    let text = '';
    let end = -Infinity;
    for (const run of runs) {
      // A gap wider than a fifth of the font between two Latin runs is a space the PDF did not write.
      const gap = run.x - end > size * 0.2 && !isCjk(text.at(-1)) && !isCjk(run.str[0]);
      text += (gap && text && !text.endsWith(' ') && !run.str.startsWith(' ') ? ' ' : '') + run.str;
      end = Math.max(end, run.end);
    }
    text = text.replace(/\s+/g, ' ').trim();
    if (text) lines.push({ text, y, size, page });
    runs = [];
  };
  let ended = false;
  for (const item of items) {
    const itemY = item.transform[5] ?? 0;
    const itemSize = item.height || Math.abs(item.transform[3] ?? 0);
    if (item.str) {
      if (runs.length && (ended || Math.abs(itemY - y) > Math.max(size, itemSize) * 0.5)) close();
      if (!runs.length) {
        y = itemY;
        size = 0;
      }
      if (item.str.trim()) size = Math.max(size, itemSize);
      const x = item.transform[4] ?? 0;
      runs.push({ x, end: x + item.width, str: item.str });
      ended = false;
    }
    if (item.hasEOL) ended = true;
  }
  if (runs.length) close();
  return lines;
}

const PAGE_NUMBER = /^(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*\/\s*\d+|[-–—]\s*\d+\s*[-–—]|(?:page|p\.)\s*\d+(?:\s*(?:of|\/)\s*\d+)?|\d{1,4})$/i;
/** How many lines at each end of a page may be a running header or footer. */
const EDGE = 2;

/**
 * Drops running headers and footers: a line among the first or last two of
 * a page that recurs (digits aside, at the same height) on at least 3 pages
 * and 60% of them,
 * and a page number alone at a page's edge on any page.
 */
export function dropRunningLines(pages: readonly PdfLine[][]): PdfLine[][] {
  // Running lines sit at the same height on every page; body text that happens to repeat does not.
  const key = (line: PdfLine): string => `${Math.round(line.y / 3)}@${line.text.replace(/\d+/g, '#').replace(/\s+/g, '')}`;
  const edges = (lines: readonly PdfLine[]): PdfLine[] => [...lines.slice(0, EDGE), ...lines.slice(Math.max(EDGE, lines.length - EDGE))];
  const counts = new Map<string, number>();
  for (const lines of pages) for (const k of new Set(edges(lines).map(key))) counts.set(k, (counts.get(k) ?? 0) + 1);
  const needed = Math.max(3, Math.ceil(pages.filter((p) => p.length > 0).length * 0.6));
  return pages.map((lines) => {
    const edge = new Set(edges(lines));
    return lines.filter((line) => !(edge.has(line) && ((counts.get(key(line)) ?? 0) >= needed || PAGE_NUMBER.test(line.text))));
  });
}

/**
 * Lines to blocks: a line in a font clearly larger than the body's is a
 * heading (the largest size level 1); a vertical gap wider than the usual
 * line spacing, a change of size, or a new page starts a paragraph. A
 * paragraph's lines are joined the Chinese way (`joinLines`).
 */
export function linesToBlocks(lines: readonly PdfLine[]): Block[] {
  const body = bodySize(lines);
  const headingSizes = [...new Set(lines.filter((l) => isHeading(l, body)).map((l) => round(l.size)))].sort((a, b) => b - a);
  const spacing = usualSpacing(lines);
  const blocks: Block[] = [];
  let para: PdfLine[] = [];
  const flush = (): void => {
    const first = para[0];
    if (first) {
      const text = joinLines(para.map((l) => l.text));
      if (isHeading(first, body)) blocks.push({ kind: 'heading', level: Math.min(headingSizes.indexOf(round(first.size)) + 1, 6), text, page: first.page });
      else blocks.push({ kind: 'paragraph', text, page: first.page });
    }
    para = [];
  };
  for (const line of lines) {
    const prev = para.at(-1);
    const gap = prev ? prev.y - line.y : 0;
    if (prev && (prev.page !== line.page || isHeading(prev, body) !== isHeading(line, body) || Math.abs(prev.size - line.size) > 0.5 || gap <= 0 || gap > Math.max(Math.min(spacing || Infinity, line.size * 1.6), line.size) * 1.4)) flush();
    para.push(line);
  }
  flush();
  return blocks;
}

function isHeading(line: PdfLine, body: number): boolean {
  return line.size >= body * 1.15 && line.text.length <= 80;
}

function round(size: number): number {
  return Math.round(size * 2) / 2;
}

/** The font size most characters are set in. */
function bodySize(lines: readonly PdfLine[]): number {
  const chars = new Map<number, number>();
  for (const l of lines) chars.set(round(l.size), (chars.get(round(l.size)) ?? 0) + l.text.length);
  let best = 0;
  let most = -1;
  for (const [size, n] of chars) if (n > most) [best, most] = [size, n];
  return best;
}

/**
 * The most common distance between consecutive lines of the same size on a
 * page; capped by the caller at 1.6 × the font size, so a document of
 * one-line paragraphs does not take its paragraph gap for line spacing.
 */
function usualSpacing(lines: readonly PdfLine[]): number {
  const gaps = new Map<number, number>();
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1] as PdfLine;
    const b = lines[i] as PdfLine;
    if (a.page !== b.page || Math.abs(a.size - b.size) > 0.5) continue;
    const gap = round(a.y - b.y);
    if (gap > 0) gaps.set(gap, (gaps.get(gap) ?? 0) + 1);
  }
  let best = 0;
  let most = 0;
  for (const [gap, n] of gaps) if (n > most || (n === most && gap < best)) [best, most] = [gap, n];
  return best;
}
