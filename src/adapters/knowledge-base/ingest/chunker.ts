import type { Block } from './blocks.js';

/** A passage before it is given its document's identity: its section, its text, its first page. */
export interface Chunk {
  /** The headings above it, outermost first (the document title is added by the caller). */
  readonly headings: readonly string[];
  readonly text: string;
  readonly page?: number;
}

/**
 * Cuts a document's blocks into passages of about `maxChars` characters
 * along the document's own structure: a heading always starts a new passage
 * (so a passage never mixes two sections), paragraphs and list items are
 * packed together up to the size, a paragraph too long alone is cut between
 * sentences, and a table is never merged with other text — kept whole when it
 * fits, otherwise split by rows with its header repeated in every piece, so
 * each piece still says what its columns mean.
 */
export function chunkBlocks(blocks: readonly Block[], maxChars: number, passagePerBlock = false): Chunk[] {
  const chunks: Chunk[] = [];
  const path: { level: number; text: string }[] = [];
  let headings: readonly string[] = [];
  let parts: string[] = [];
  let size = 0;
  let page: number | undefined;

  const flush = () => {
    if (parts.length > 0) chunks.push(withPage({ headings, text: parts.join('\n\n') }, page));
    parts = [];
    size = 0;
    page = undefined;
  };
  const add = (text: string, at: number | undefined) => {
    if (parts.length > 0 && size + text.length + 2 > maxChars) flush();
    if (parts.length === 0) page = at;
    parts.push(text);
    size += text.length + 2;
  };

  for (const block of blocks) {
    switch (block.kind) {
      case 'heading': {
        flush();
        while (path.length > 0 && (path.at(-1) as { level: number }).level >= block.level) path.pop();
        const text = oneLine(block.text);
        if (text) path.push({ level: block.level, text });
        headings = path.map((h) => h.text);
        break;
      }
      case 'paragraph':
      case 'list_item': {
        const text = block.kind === 'list_item' ? `- ${block.text.trim()}` : block.text.trim();
        if (!text) break;
        for (const piece of text.length <= maxChars ? [text] : splitLong(text, maxChars)) {
          add(piece, block.page);
          if (passagePerBlock) flush();
        }
        break;
      }
      case 'table': {
        flush();
        for (const text of tablePieces(block.header, block.rows, maxChars)) chunks.push(withPage({ headings, text }, block.page));
        break;
      }
    }
  }
  flush();
  return chunks;
}

function withPage(chunk: Chunk, page: number | undefined): Chunk {
  return page === undefined ? chunk : { ...chunk, page };
}

/** A table as text: a header line and one line per row, cells separated by ` | `; split by rows when too long. */
function tablePieces(header: readonly string[], rows: readonly (readonly string[])[], maxChars: number): string[] {
  const line = (cells: readonly string[]) => cells.map(oneLine).join(' | ');
  const head = header.length > 0 ? line(header) : '';
  const pieces: string[] = [];
  let current: string[] = [];
  let size = head.length;
  for (const row of rows) {
    const text = line(row);
    if (!text.replaceAll('|', '').trim()) continue;
    if (current.length > 0 && size + text.length + 1 > maxChars) {
      pieces.push([head, ...current].filter(Boolean).join('\n'));
      current = [];
      size = head.length;
    }
    // One row longer than a passage is cut like a paragraph, each piece under the header.
    for (const part of head.length + text.length + 1 <= maxChars ? [text] : splitLong(text, Math.max(50, maxChars - head.length - 1))) {
      if (current.length > 0 && size + part.length + 1 > maxChars) {
        pieces.push([head, ...current].filter(Boolean).join('\n'));
        current = [];
        size = head.length;
      }
      current.push(part);
      size += part.length + 1;
    }
  }
  if (current.length > 0) pieces.push([head, ...current].filter(Boolean).join('\n'));
  else if (rows.length === 0 && head) pieces.push(head);
  return pieces;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** A paragraph cut between sentences, and inside one only when a sentence alone is too long. */
export function splitLong(paragraph: string, maxChars: number): string[] {
  const sentences = paragraph.match(SENTENCE) ?? [paragraph];
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences.flatMap((s) => hardCut(s, maxChars))) {
    if (current && current.length + sentence.length > maxChars) {
      if (current.trim()) out.push(current.trim());
      current = '';
    }
    current += sentence;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function hardCut(sentence: string, maxChars: number): string[] {
  if (sentence.length <= maxChars) return [sentence];
  // By UTF-16 units, stepping back where a cut would split a surrogate pair: linear, and no
  // array of every character (a 50 MB paragraph without punctuation must not become one).
  const out: string[] = [];
  let from = 0;
  while (from < sentence.length) {
    let to = Math.min(sentence.length, from + maxChars);
    const unit = sentence.charCodeAt(to - 1);
    if (to < sentence.length && unit >= 0xd800 && unit <= 0xdbff) to -= 1;
    out.push(sentence.slice(from, to));
    from = to;
  }
  return out;
}

/** A sentence with its closing punctuation (Chinese or Western), or a line. */
const SENTENCE = /[^。！？!?；;\n]+[。！？!?；;\n]*|[。！？!?；;\n]+/gu;
