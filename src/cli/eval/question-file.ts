import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { QuestionFileError, type EvalQuestion } from './eval-question.js';
import { parseQuestionCsv } from './question-csv.js';
import { parseQuestionJsonl } from './question-jsonl.js';

/** A question file larger than this is refused: it is read whole into memory. */
export const MAX_QUESTION_FILE_BYTES = 64 * 1024 * 1024;

const PARSERS: Record<string, (file: string, text: string) => EvalQuestion[]> = {
  '.jsonl': parseQuestionJsonl,
  '.csv': parseQuestionCsv,
};

/**
 * Reads and validates a question file (`.jsonl` or `.csv`, UTF-8). Throws a
 * `QuestionFileError` naming the file and, where there is one, the line of
 * each problem.
 */
export async function readQuestionFile(path: string): Promise<EvalQuestion[]> {
  const parser = PARSERS[extname(path).toLowerCase()];
  if (!parser) throw new QuestionFileError(path, [`${path}: must end in .jsonl or .csv (the format is told by the extension)`]);
  let bytes: Buffer;
  try {
    bytes = await readBounded(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (error as Error).message;
    throw new QuestionFileError(path, [`${path}: ${what}`]);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new QuestionFileError(path, [`${path}: is not UTF-8 text (save it as UTF-8, e.g. "CSV UTF-8" in Excel)`]);
  }
  return parser(path, text.replace(/^\uFEFF/, ''));
}

/** The whole file, refusing one larger than `MAX_QUESTION_FILE_BYTES` (checked while reading: a pipe's size is 0). */
async function readBounded(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    if ((await handle.stat()).size > MAX_QUESTION_FILE_BYTES) throw new Error(`is over the ${MAX_QUESTION_FILE_BYTES}-byte limit`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(1024 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      total += bytesRead;
      if (total > MAX_QUESTION_FILE_BYTES) throw new Error(`is over the ${MAX_QUESTION_FILE_BYTES}-byte limit`);
      chunks.push(chunk.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}
