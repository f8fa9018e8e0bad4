import type { Block, Reader } from '../blocks.js';
import { textOrProblem } from './reader-support.js';

/**
 * Plain text: paragraphs are parted by blank lines; line breaks inside a
 * paragraph are kept, since in a text file they are often meaningful
 * (addresses, steps). The document has no title of its own.
 */
export const readText: Reader = async ({ path, bytes }) => {
  const decoded = textOrProblem(path, bytes);
  if ('problem' in decoded) return decoded.problem;
  return { documents: [{ blocks: textToParagraphs(decoded.text), source: path }], faqs: [], problems: [] };
};

/** Paragraph blocks from text parted by blank lines (also used for JSONL `text`). */
export function textToParagraphs(text: string): Block[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u3000]*\n/)
    .map((p) => p.split('\n').map((l) => l.trimEnd()).join('\n').trim())
    .filter((p) => p.length > 0)
    .map((p) => ({ kind: 'paragraph', text: p }));
}
