import type { Reader } from './blocks.js';
import { readerFor } from './readers/reader-table.js';

/** The readers the service uses, by file path (one table, `readers/reader-table.ts`). */
export function defaultReaderFor(path: string): Reader | undefined {
  return readerFor(path);
}
