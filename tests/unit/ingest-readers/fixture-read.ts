import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Block, ReaderOutput } from '../../../src/adapters/knowledge-base/ingest/blocks.js';
import { readerFor } from '../../../src/adapters/knowledge-base/ingest/readers/reader-table.js';

const DIR = fileURLToPath(new URL('../../fixtures/kb-formats/', import.meta.url));

/** A fixture through the reader table, as the loader will call it (path relative to the fixtures folder). */
export async function readFixture(path: string): Promise<ReaderOutput> {
  return readAs(path, readFileSync(DIR + path));
}

/** Bytes under a path, through the reader table. */
export async function readAs(path: string, content: string | Buffer): Promise<ReaderOutput> {
  const reader = readerFor(path);
  if (!reader) throw new Error(`no reader for ${path}`);
  return reader({ path, bytes: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8') });
}

/** Every text a block holds, table cells included: for "this word appears nowhere". */
export function allText(blocks: readonly Block[]): string {
  return blocks.map((b) => (b.kind === 'table' ? [...b.header, ...b.rows.flat()].join(' ') : b.text)).join('\n');
}
