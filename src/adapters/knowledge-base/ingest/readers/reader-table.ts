import { extname } from 'node:path/posix';
import type { Reader, ReaderOutput } from '../blocks.js';
import { NOT_UTF8, sniffContent, type ContentKind } from './content-sniff.js';
import { readHtml } from './html.reader.js';
import { readJsonLines } from './jsonl.reader.js';
import { readMarkdown } from './markdown.reader.js';
import { errorLine, onlyProblem } from './reader-support.js';
import { readText } from './text.reader.js';

/**
 * The one table from file extension to format reader. Every reader it hands
 * out is guarded: an empty file, content that is not what the extension
 * says, and a reader that throws all become a problem naming the file.
 */
interface Entry {
  readonly read: Reader;
  /** What the content must be; what the problem calls the extension's format. */
  readonly expect: ContentKind;
  readonly format: string;
}

const LEGACY = 'legacy Office format; save it as .docx/.xlsx/PDF';

/**
 * The readers built on large libraries (pdfjs, mammoth, exceljs) are loaded
 * when the first such file is read, not at start: importing them all cost
 * the service about half a second of every start, folder of Markdown or not.
 */
const lazy =
  <K extends string>(load: () => Promise<Record<K, Reader>>, name: K): Reader =>
  async (file) =>
    (await load())[name](file);
const readPdf = lazy(() => import('./pdf.reader.js'), 'readPdf');
const readDocx = lazy(() => import('./docx.reader.js'), 'readDocx');
const readPptx = lazy(() => import('./pptx.reader.js'), 'readPptx');
const readXlsx = lazy(() => import('./sheet.reader.js'), 'readXlsx');
const readCsv = lazy(() => import('./sheet.reader.js'), 'readCsv');

const TABLE: Record<string, Entry> = {
  '.md': { read: readMarkdown, expect: 'text', format: 'Markdown text' },
  '.markdown': { read: readMarkdown, expect: 'text', format: 'Markdown text' },
  '.txt': { read: readText, expect: 'text', format: 'plain text' },
  '.jsonl': { read: readJsonLines, expect: 'text', format: 'JSON Lines text' },
  '.html': { read: readHtml, expect: 'text', format: 'an HTML page' },
  '.htm': { read: readHtml, expect: 'text', format: 'an HTML page' },
  '.csv': { read: readCsv, expect: 'text', format: 'CSV text' },
  '.pdf': { read: readPdf, expect: 'pdf', format: 'a PDF' },
  '.docx': { read: readDocx, expect: 'zip', format: 'a Word document' },
  '.xlsx': { read: readXlsx, expect: 'zip', format: 'an Excel workbook' },
  '.pptx': { read: readPptx, expect: 'zip', format: 'a PowerPoint deck' },
  '.doc': { read: refuse(LEGACY), expect: 'any', format: 'a legacy Word file' },
  '.xls': { read: refuse(LEGACY), expect: 'any', format: 'a legacy Excel file' },
  '.ppt': { read: refuse(LEGACY), expect: 'any', format: 'a legacy PowerPoint file' },
};

/** Extensions (lower case, with the dot) that have an entry; other files are not the knowledge base's. */
export const READ_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(TABLE));

/** The guarded reader for a path relative to `KB_DIR` (extension matched case-insensitively), or undefined. */
export function readerFor(path: string): Reader | undefined {
  const ext = extname(path).toLowerCase();
  const entry = TABLE[ext];
  return entry && guarded(entry, ext);
}

function guarded(entry: Entry, ext: string): Reader {
  return async (file) => {
    const found = sniffContent(file.bytes);
    if (found.kind === 'empty') return onlyProblem(file.path, 'empty file');
    if (entry.expect === 'text' && found.description === NOT_UTF8) return onlyProblem(file.path, NOT_UTF8);
    if (entry.expect !== 'any' && found.kind !== entry.expect) {
      return onlyProblem(file.path, `extension says ${ext} (${entry.format}) but the content is ${found.description}`);
    }
    let out: ReaderOutput;
    try {
      out = await entry.read(file);
    } catch (error) {
      // Readers report bad content themselves; this is the net for a library bug, so one file cannot stop a folder.
      return onlyProblem(file.path, `could not be read: ${errorLine(error)}`);
    }
    if (out.documents.length === 0 && out.faqs.length === 0 && out.problems.length === 0) return onlyProblem(file.path, 'no text found');
    return out;
  };
}

function refuse(reason: string): Reader {
  return async ({ path }) => onlyProblem(path, reason);
}
