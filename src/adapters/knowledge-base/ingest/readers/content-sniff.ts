/** What a file's bytes are, whatever its name says. */
export type ContentKind = 'empty' | 'pdf' | 'zip' | 'text' | 'other' | 'any';

export interface Sniffed {
  readonly kind: Exclude<ContentKind, 'any'>;
  /** For a problem's reason: "a PDF", "an encrypted or legacy Office file", … */
  readonly description: string;
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
export const NOT_UTF8 = 'not UTF-8 text';
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Magic bytes first (`%PDF-` within the first KiB, as readers tolerate; a
 * ZIP local header; an OLE2 compound file, which is what an encrypted .docx
 * or .xlsx is), then text: valid UTF-8 without NUL. A file of only white
 * space is empty.
 */
export function sniffContent(bytes: Buffer): Sniffed {
  if (bytes.length === 0) return { kind: 'empty', description: 'empty' };
  if (bytes.subarray(0, 1024).includes('%PDF-')) return { kind: 'pdf', description: 'a PDF' };
  if (bytes.subarray(0, 4).equals(ZIP)) return { kind: 'zip', description: 'a ZIP archive (an Office document?)' };
  if (bytes.subarray(0, 8).equals(OLE2)) return { kind: 'other', description: 'an OLE2 compound file (an encrypted Office document, or a legacy .doc/.xls/.ppt)' };
  if (bytes.includes(0)) return { kind: 'other', description: 'binary data' };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { kind: 'other', description: NOT_UTF8 };
  }
  if (!text.replace(/^\uFEFF/, '').trim()) return { kind: 'empty', description: 'empty' };
  return { kind: 'text', description: 'text' };
}
