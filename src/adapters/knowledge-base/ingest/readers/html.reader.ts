import type { Reader, ReaderOutput } from '../blocks.js';
import { htmlToBlocks } from './html-blocks.js';
import { MAX_HTML_DEPTH, nestsTooDeep } from './html-depth.js';
import { decodeUtf8, onlyProblem } from './reader-support.js';

export { htmlToBlocks } from './html-blocks.js';

/** HTML (`.html`, `.htm`, e.g. a wiki export): main content, `<title>` or first `<h1>`, canonical URL. */
export const readHtml: Reader = async ({ path, bytes }): Promise<ReaderOutput> => {
  const html = decodeUtf8(bytes);
  if (html === undefined) return onlyProblem(path, 'not UTF-8 text (save the page as UTF-8)');
  if (nestsTooDeep(html)) return onlyProblem(path, `elements nested more than ${MAX_HTML_DEPTH} deep`);
  const { title, url, blocks } = htmlToBlocks(html);
  if (blocks.length === 0) return onlyProblem(path, 'no text in the page\'s main content');
  return { documents: [{ title, url, blocks, source: path }], faqs: [], problems: [] };
};
