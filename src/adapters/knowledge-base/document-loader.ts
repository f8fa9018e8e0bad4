import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parserFor } from './document-parsers.js';
import { describeFsError, readWalkedFile, walkFolder, type WalkedFile, type WalkLimits } from './ingest/folder-walker.js';
import type { IngestProblem, KbDocument } from './kb-document.js';

/** Everything read from the knowledge folder. */
export interface LoadedDocuments {
  readonly docs: KbDocument[];
  /** Files and lines that were skipped, by name, with the reason. */
  readonly problems: IngestProblem[];
}

/** Defaults for callers (tests, the bench) that do not pass limits. */
export const DEFAULT_WALK_LIMITS: WalkLimits = { maxFileBytes: 32 * 1024 * 1024, maxFiles: 100_000 };

/**
 * Reads every `.md`, `.markdown`, `.txt` and `.jsonl` file under `root`
 * (recursively, through `walkFolder`: regular files inside the folder only,
 * hidden names ignored, size-bounded), or `root` itself when it is one such
 * file. A file that cannot be read or parsed, or a document whose id was
 * already taken, is reported and skipped; the rest still loads.
 */
export async function loadDocuments(root: string, limits: WalkLimits = DEFAULT_WALK_LIMITS): Promise<LoadedDocuments> {
  const isFile = (await stat(root)).isFile();
  const walk = isFile ? await walkFolder(dirname(root), limits) : await walkFolder(root, limits);
  const files = isFile ? walk.files.filter((f) => f.path === basename(root)) : walk.files;
  const docs: KbDocument[] = [];
  const problems: IngestProblem[] = isFile ? walk.problems.filter((p) => p.source === basename(root)) : walk.problems;
  const owners = new Map<string, string>();
  for (const file of files) {
    const parse = parserFor(file.path);
    if (!parse) continue;
    const parsed = await parseFile(file, parse, limits.maxFileBytes);
    problems.push(...parsed.problems);
    for (const doc of parsed.docs) {
      const owner = owners.get(doc.docId);
      if (owner) {
        problems.push({ source: doc.source, reason: `doc_id "${doc.docId}" is already used by ${owner}` });
        continue;
      }
      if (!doc.text) continue;
      owners.set(doc.docId, doc.source);
      docs.push(doc);
    }
  }
  return { docs, problems };
}

/** One file read and parsed; whatever goes wrong is that file's problem, never the folder's. */
async function parseFile(
  file: WalkedFile,
  parse: NonNullable<ReturnType<typeof parserFor>>,
  maxBytes: number,
): Promise<{ docs: KbDocument[]; problems: IngestProblem[] }> {
  let content: string;
  try {
    content = UTF8.decode(await readWalkedFile(file, maxBytes));
  } catch (error) {
    return { docs: [], problems: [{ source: file.path, reason: error instanceof TypeError ? 'not UTF-8 text' : describeFsError(error) }] };
  }
  try {
    const parsed = parse(file.path, content);
    return { docs: parsed.docs, problems: [...parsed.problems] };
  } catch (error) {
    return { docs: [], problems: [{ source: file.path, reason: `could not be parsed: ${(error as Error).message}` }] };
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
