import { extname } from 'node:path';
import type { Reader, ReaderOutput } from '../blocks.js';
import { readJsonLines } from './jsonl.reader.js';
import { readMarkdown } from './markdown.reader.js';
import { errorLine, problemOnly } from './reader-support.js';
import { readText } from './text.reader.js';

/**
 * The one table from file extension to format reader. Every reader it hands
 * out is guarded: an empty file, content that is not what the extension
 * says, and a reader that throws all become a problem naming the file.
 */

/** What each extension's content must look like before its reader sees it. */
type Sniff = 'pdf' | 'zip' | 'text';

interface Entry {
  readonly read: Reader;
  readonly sniff: Sniff;
}

const POWERPOINT = 'PowerPoint files are not read; export the deck as PDF';
const LEGACY = 'legacy Office format; save it as .docx/.xlsx/PDF';

const TABLE: Record<string, Entry> = {
  '.md': { read: readMarkdown, sniff: 'text' },
  '.markdown': { read: readMarkdown, sniff: 'text' },
  '.txt': { read: readText, sniff: 'text' },
  '.jsonl': { read: readJsonLines, sniff: 'text' },
  '.pptx': { read: refuse(POWERPOINT), sniff: 'zip' },
  '.doc': { read: refuse(LEGACY), sniff: 'text' },
  '.xls': { read: refuse(LEGACY), sniff: 'text' },
  '.ppt': { read: refuse(LEGACY), sniff: 'text' },
};

/** Extensions (lower case, with the dot) that have an entry; other files are not the knowledge base's. */
export const READ_EXTENSIONS: readonly string[] = Object.freeze(Object.keys(TABLE));

/** The guarded reader for a path relative to `KB_DIR` (extension matched case-insensitively), or undefined. */
export function readerFor(path: string): Reader | undefined {
  const entry = TABLE[extname(path).toLowerCase()];
  return entry && guarded(entry, extname(path).toLowerCase());
}

function guarded(entry: Entry, ext: string): Reader {
  return async (file) => {
    if (file.bytes.length === 0) return problemOnly(file.path, 'empty file');
    const mismatch = contentMismatch(file.bytes, entry.sniff, ext);
    if (mismatch) return problemOnly(file.path, mismatch);
    let out: ReaderOutput;
    try {
      out = await entry.read(file);
    } catch (error) {
      // Readers report bad content themselves; this is the net for a library bug, so one file cannot stop a folder.
      return problemOnly(file.path, `could not be read: ${errorLine(error)}`);
    }
    if (out.documents.length === 0 && out.faqs.length === 0 && out.problems.length === 0) return problemOnly(file.path, 'no text found');
    return out;
  };
}

const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OFFICE = new Set(['.docx', '.xlsx', '.pptx']);

function contentMismatch(bytes: Buffer, sniff: Sniff, ext: string): string | undefined {
  if (OFFICE.has(ext) && bytes.subarray(0, 8).equals(OLE2)) return 'encrypted or legacy Office file';
  if (sniff === 'pdf' && !bytes.subarray(0, 1024).includes('%PDF-')) return `extension says ${ext} but the content is not a PDF`;
  if (sniff === 'zip' && !bytes.subarray(0, 4).equals(ZIP)) return `extension says ${ext} but the content is not an Office Open XML (ZIP) file`;
  return undefined;
}

function refuse(reason: string): Reader {
  return async ({ path }) => problemOnly(path, reason);
}
