import type { IngestProblem, ReaderOutput } from '../blocks.js';

/** Small pieces every format reader shares: decoding, problem results, line joining. */

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The file as UTF-8 text without a BOM, or undefined when it is not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

/** A result that is only one problem: the file yielded nothing. */
export function problemOnly(source: string, reason: string): ReaderOutput {
  return { documents: [], faqs: [], problems: [{ source, reason }] };
}

/** Decoded text, or the problem result a text reader returns for a binary or empty file. */
export function textOrProblem(path: string, bytes: Uint8Array): { text: string } | { problem: ReaderOutput } {
  const text = decodeUtf8(bytes);
  if (text === undefined) return { problem: problemOnly(path, 'not UTF-8 text') };
  if (!text.trim()) return { problem: problemOnly(path, 'empty file') };
  return { text };
}

export type Problems = IngestProblem[];

/** The first line of an error's message, for a reason that fits in a log line (never a stack). */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').slice(0, 300);
}

// Han, kana, hangul, CJK punctuation and full-width forms: scripts written without spaces between words.
const CJK = /[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f]/u;

export function isCjk(char: string | undefined): boolean {
  return char !== undefined && CJK.test(char);
}

/**
 * Joins visual lines of one paragraph as a reader would read them: no space
 * where either side of the break is Chinese (a space there would split a
 * word for the tokenizer and for the reader), a hyphenated Latin word joined
 * back, otherwise one space.
 */
export function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!out) {
      out = line;
    } else if (/[A-Za-z]-$/.test(out) && /^[a-z]/.test(line)) {
      out = out.slice(0, -1) + line;
    } else if (isCjk(out.at(-1)) || isCjk(line[0])) {
      out += line;
    } else {
      out += ' ' + line;
    }
  }
  return out;
}

/** Runs of whitespace (including non-breaking and ideographic spaces) as one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/[\s\u00a0\u3000]+/g, ' ').trim();
}
