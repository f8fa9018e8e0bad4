import type { Reader, ReaderOutput } from '../blocks.js';
import { decodeUtf8, onlyProblem, splitParagraphs } from './reader-support.js';

/** Plain text (`.txt`): paragraphs parted by blank lines; the title is left to the file name. */
export const readText: Reader = async ({ path, bytes }): Promise<ReaderOutput> => {
  const content = decodeUtf8(bytes);
  if (content === undefined) return onlyProblem(path, 'not UTF-8 text');
  const blocks = splitParagraphs(content).map((text) => ({ kind: 'paragraph' as const, text }));
  return { documents: [{ blocks, source: path }], faqs: [], problems: [] };
};
