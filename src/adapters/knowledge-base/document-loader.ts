import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import { parserFor } from './document-parsers.js';
import type { IngestProblem, KbDocument } from './kb-document.js';

/** Everything read from the knowledge folder. */
export interface LoadedDocuments {
  readonly docs: KbDocument[];
  /** Files and lines that were skipped, by name, with the reason. */
  readonly problems: IngestProblem[];
}

/**
 * Reads every `.md`, `.markdown`, `.txt` and `.jsonl` file under `root`
 * (recursively; hidden files and folders are ignored), or `root` itself when
 * it is one such file. A file that cannot be read or parsed, or a document
 * whose id was already taken, is reported and skipped; the rest still loads.
 */
export async function loadDocuments(root: string): Promise<LoadedDocuments> {
  const isFile = (await stat(root)).isFile();
  const files = isFile ? [basename(root)] : await listFiles(root);
  const base = isFile ? join(root, '..') : root;
  const docs: KbDocument[] = [];
  const problems: IngestProblem[] = [];
  const owners = new Map<string, string>();
  for (const file of files.sort()) {
    const parse = parserFor(file);
    if (!parse) continue;
    let content: string;
    try {
      content = UTF8.decode(await readFile(join(base, file)));
    } catch (error) {
      problems.push({ source: file, reason: describe(error) });
      continue;
    }
    const parsed = parse(file, content);
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

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries
    .map((e) => e.split(sep).join('/'))
    .filter((e) => !e.split('/').some((part) => part.startsWith('.')));
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof TypeError) return 'not UTF-8 text';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'vanished or is a broken link';
  return code ?? (error as Error).message;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
