import { basename } from 'node:path';
import type { FaqEntry, IngestProblem, KbPassage, ReadDocument, Reader } from './blocks.js';
import { chunkBlocks } from './chunker.js';
import type { FolderMeta } from './folder-meta.js';

/** What one file became, before the index checks ids across files. */
export interface FileContent {
  readonly passages: KbPassage[];
  readonly faqs: FaqEntry[];
  readonly problems: IngestProblem[];
  /** Documents that yielded at least one passage. */
  readonly documents: number;
}

/**
 * Reads one file with its format's reader and cuts every document into
 * passages. Identity comes from, in order: what the file says itself (front
 * matter, a JSONL row, an HTML canonical link), its folder's `_kb.yaml`, and
 * the path (`doc_id`) and file name (title). A reader that throws is that
 * file's problem, never the folder's.
 */
export async function ingestFile(
  path: string,
  bytes: Buffer,
  reader: Reader,
  meta: FolderMeta,
  passageChars: number,
): Promise<FileContent> {
  const out: FileContent = { passages: [], faqs: [], problems: [], documents: 0 };
  let read;
  try {
    read = await reader({ path, bytes });
  } catch (error) {
    out.problems.push({ source: path, reason: `could not be read: ${(error as Error).message}` });
    return out;
  }
  out.problems.push(...read.problems);
  for (const entry of read.faqs) {
    out.faqs.push({
      ...entry,
      ...(entry.spaceId === undefined && meta.spaceId !== undefined ? { spaceId: meta.spaceId } : {}),
      ...(entry.url === undefined && meta.url !== undefined ? { url: meta.url } : {}),
    });
  }
  const several = read.documents.length > 1;
  for (const [i, doc] of read.documents.entries()) {
    try {
      const passages = toPassages(path, doc, meta, passageChars, several ? i : undefined);
      if (passages.length > 0) (out as { documents: number }).documents++;
      out.passages.push(...passages);
    } catch (error) {
      out.problems.push({ source: doc.source, reason: `could not be split into passages: ${(error as Error).message}` });
    }
  }
  return out;
}

function toPassages(path: string, doc: ReadDocument, meta: FolderMeta, passageChars: number, ordinal?: number): KbPassage[] {
  const title = doc.title?.trim() || fileTitle(path);
  const docId = doc.docId ?? (ordinal === undefined ? path : `${path}#${ordinal + 1}`);
  const url = doc.url ?? meta.url ?? '';
  const spaceId = doc.spaceId ?? meta.spaceId ?? '';
  return chunkBlocks(doc.blocks, passageChars, doc.passagePerBlock === true).map((chunk) => {
    // The title heads every path; a first heading that repeats it is not said twice.
    const headings = chunk.headings[0] === title ? chunk.headings.slice(1) : chunk.headings;
    return {
      docId,
      title,
      url,
      spaceId,
      headingPath: [title, ...headings],
      text: chunk.text,
      ...(chunk.page !== undefined ? { page: chunk.page } : {}),
      source: doc.source,
    };
  });
}

/** A file's name without its extension: the title of a document that has none of its own. */
export function fileTitle(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '');
}
