import { basename, extname } from 'node:path/posix';
import type { ReaderOutput } from '../blocks.js';
import { joinLines } from './cjk-text.js';

/** The file name without its extension: the title of last resort. */
export function fileStem(path: string): string {
  return basename(path, extname(path));
}

/** A file that yielded nothing but this problem. */
export function onlyProblem(source: string, reason: string): ReaderOutput {
  return { documents: [], faqs: [], problems: [{ source, reason }] };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as UTF-8 text without a BOM, or undefined when they are not UTF-8. */
export function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return UTF8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** The first line of an error's message, for a problem's reason (never a stack). */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').slice(0, 200) || 'unknown error';
}

/** A string field as trimmed text; numbers are accepted as their decimal form. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed || undefined;
}

/** Paragraphs of plain text: blank lines part them, wrapped lines inside are joined. */
export function splitParagraphs(text: string): string[] {
  return text
    .split(/\r?\n[ \t]*\r?\n/)
    .map((para) => para.split(/\r?\n/).map((line) => line.trim()).filter(Boolean))
    .filter((lines) => lines.length > 0)
    .map((lines) => joinLines(lines));
}
