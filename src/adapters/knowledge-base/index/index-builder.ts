import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { FaqEntry, IngestProblem, KbPassage, Reader } from '../ingest/blocks.js';
import { FOLDER_META_FILE, FolderMetaTable } from '../ingest/folder-meta.js';
import { describeFsError, readWalkedFile, walkFolder, type WalkedFile, type WalkLimits } from '../ingest/folder-walker.js';
import { ingestFile } from '../ingest/ingest-file.js';
import { forwardOf, packForward, unpackOne, type ForwardTerms, type PackedForward } from './forward-terms.js';
import { type IndexStore, INDEX_FORMAT, type Manifest, type ManifestFile, type StoredIndex } from './index-store.js';
import { WORDING_ID } from '../wording.js';
import { KnowledgeIndex } from './knowledge-index.js';
import type { LexicalIndex } from './lexical-index.js';
import { FileReadTimeout, type TokenizePool } from './tokenize-pool.js';

/** Files read at once. */
const IN_FLIGHT = 4;

/** Progress of a build, for the log line and the CLI. */
export interface BuildProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  /** Files read and indexed this build (the others were unchanged and reused). */
  readonly filesRead: number;
  readonly passages: number;
  readonly elapsedMs: number;
  /** Files per second over the files actually read. */
  readonly rate: number;
  readonly etaMs: number;
}

export interface BuildOptions {
  /** `KB_DIR`: a folder (read recursively) or one file; absolute. */
  readonly dir: string;
  readonly store: IndexStore;
  readonly passageChars: number;
  readonly limits: WalkLimits;
  readonly readerFor: (path: string) => Reader | undefined;
  /** `readerFor` is the default table: files may be read on the tokenizer's threads. */
  readonly readOnThreads?: boolean;
  /** Tokenizes passages (on worker threads). */
  readonly tokenizer: TokenizePool;
  /** The index in use, whose unchanged files are reused instead of read again. */
  readonly previous?: StoredIndex;
  readonly onProgress?: (progress: BuildProgress) => void;
  /** How often `onProgress` is called while files are read (ms). */
  readonly progressEveryMs?: number;
}

export interface BuiltIndex extends StoredIndex {
  readonly index: KnowledgeIndex;
  /** Files read this time, and reused from the previous index. */
  readonly filesRead: number;
  readonly filesReused: number;
  /** False when nothing had changed: the previous index stays as it was (nothing written). */
  readonly changed: boolean;
}

/** Bumped when readers, chunker or tokenizer change what a file becomes: every file is read again. */
const PIPELINE_VERSION = 'ingest-1';

/**
 * Brings the persisted index up to date with the folder: a file whose size,
 * time and metadata are as recorded is reused as it is, one whose content
 * hash is unchanged likewise; only added and changed files are read,
 * chunked and tokenized, removed ones dropped. The inverted index is then
 * rebuilt from every file's stored terms (no text is tokenized twice) and
 * written as a new generation.
 */
export async function buildIndex(options: BuildOptions): Promise<BuiltIndex> {
  const started = performance.now();
  const { dir, limits, passageChars } = options;
  const isFile = (await stat(dir)).isFile();
  const root = isFile ? dirname(dir) : dir;
  const walk = await walkFolder(root, limits);
  const files = isFile ? walk.files.filter((f) => f.path === basename(dir)) : walk.files;
  const folderProblems: IngestProblem[] = isFile ? walk.problems.filter((p) => p.source === basename(dir)) : [...walk.problems];
  const metas = FolderMetaTable.parse(await readMetaFiles(walk.files, limits.maxFileBytes, folderProblems), folderProblems);

  const previous = options.previous;
  const before = new Map(previous?.manifest.files.map((f) => [f.path, f]) ?? []);
  const readable = files.filter((f) => basename(f.path) !== FOLDER_META_FILE && options.readerFor(f.path));
  const entries: FileEntry[] = new Array<FileEntry>(readable.length);
  let filesRead = 0;
  let passagesSoFar = 0;
  let lastProgress = performance.now();
  const report = (done: number) => {
    const elapsedMs = performance.now() - started;
    const rate = filesRead / Math.max(0.001, elapsedMs / 1000);
    const left = readable.length - done;
    options.onProgress?.({ filesDone: done, filesTotal: readable.length, filesRead, passages: passagesSoFar, elapsedMs, rate, etaMs: rate > 0 ? (left / rate) * 1000 : 0 });
  };

  // A few files in flight: one is parsed here while the threads tokenize the others.
  const inFlight = new Set<Promise<void>>();
  let done = 0;
  for (const [i, file] of readable.entries()) {
    const meta = metas.for(file.path);
    const shape = JSON.stringify([PIPELINE_VERSION, passageChars, meta]);
    const task = refresh(file, shape, before.get(file.path), previous, options, meta).then((entry) => {
      entries[i] = entry;
      if (entry.read) filesRead++;
      passagesSoFar += entry.passages.length;
      done++;
      if (performance.now() - lastProgress >= (options.progressEveryMs ?? 2000)) {
        lastProgress = performance.now();
        report(done);
      }
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    await yieldToLoop();
  }
  await Promise.all(inFlight);
  report(readable.length);

  const changed =
    !previous || filesRead > 0 || entries.length !== previous.manifest.files.length || JSON.stringify(folderProblems) !== JSON.stringify(previous.manifest.problems);
  if (!changed && previous) {
    return { ...previous, index: new KnowledgeIndex(previous.passages, previous.lexical, previous.manifest.files.flatMap((f) => f.faqs), countDocs(previous.manifest)), filesRead: 0, filesReused: entries.length, changed: false };
  }
  // Unchanged files' terms, from the index in use: only now, once something did change.
  const previousForward = previous ? forwardOf(previous.lexical.arrays) : undefined;
  const assembled = assemble(entries, folderProblems, previousForward);
  // Inverted on a thread while the passages are written here (a second or more each at 50,000).
  const inverting = options.tokenizer.invert(assembled.forward).then((r) => r.lexical);
  let lexical: LexicalIndex | undefined;
  const manifest = await options.store.save(
    () => ({
      format: INDEX_FORMAT,
      wording: WORDING_ID,
      dir,
      builtAt: new Date().toISOString(),
      buildMs: Math.round(performance.now() - started),
      files: assembled.files,
      problems: folderProblems,
    }),
    assembled.passages,
    inverting.then((l) => (lexical = l)),
  );
  if (!lexical) throw new Error('index saved without its lexical index');
  const faqs = assembled.files.flatMap((f) => f.faqs);
  return {
    manifest,
    passages: assembled.passages,
    lexical,
    index: new KnowledgeIndex(assembled.passages, lexical, faqs, countDocs(manifest)),
    filesRead,
    filesReused: entries.length - filesRead,
    changed: true,
  };
}

interface FileEntry {
  readonly file: Omit<ManifestFile, 'first' | 'count'> & { readonly shape: string };
  readonly passages: readonly KbPassage[];
  /** Its passages' terms; for a reused file, where they start in the previous index's passages instead. */
  readonly forward: readonly ForwardTerms[] | { readonly reusedFrom: number };
  readonly read: boolean;
}

/** One file, reused from the previous index when unchanged, otherwise read and tokenized. */
async function refresh(
  file: WalkedFile,
  shape: string,
  old: (ManifestFile & { shape?: string }) | undefined,
  previous: StoredIndex | undefined,
  options: BuildOptions,
  meta: ReturnType<FolderMetaTable['for']>,
): Promise<FileEntry> {
  let info;
  try {
    info = await stat(file.realPath);
  } catch (error) {
    return problemOnly(file, shape, describeFsError(error));
  }
  const reusable = old && previous && old.shape === shape;
  const reuse = (o: ManifestFile & { shape?: string }): FileEntry => ({
    file: { ...o, size: info.size, mtimeMs: info.mtimeMs, shape },
    passages: previous!.passages.slice(o.first, o.first + o.count),
    forward: { reusedFrom: o.first },
    read: false,
  });
  if (reusable && old.size === info.size && old.mtimeMs === info.mtimeMs) return reuse(old);
  let bytes: Buffer;
  try {
    bytes = await readWalkedFile(file, options.limits.maxFileBytes);
  } catch (error) {
    return problemOnly(file, shape, describeFsError(error));
  }
  const fingerprint = createHash('sha256').update(shape).update('\0').update(bytes).digest('hex');
  if (reusable && old.fingerprint === fingerprint) return reuse(old);
  // With the default readers the whole file goes to a thread; otherwise (a test's readers) it is read here.
  let onThread;
  try {
    onThread = options.readOnThreads ? await options.tokenizer.ingest(file.path, bytes, meta, options.passageChars) : undefined;
  } catch (error) {
    // A stuck parser: the file is skipped with that reason (and tried again at the next build), the rest goes on.
    if (error instanceof FileReadTimeout) return problemOnly(file, shape, error.message);
    throw error;
  }
  const content = onThread?.content ?? (await ingestFile(file.path, bytes, options.readerFor(file.path) as Reader, meta, options.passageChars));
  const forward = onThread?.forward ?? (await options.tokenizer.forward(content.passages));
  return {
    file: { path: file.path, fingerprint, size: info.size, mtimeMs: info.mtimeMs, documents: content.documents, faqs: content.faqs, problems: content.problems, shape },
    passages: content.passages,
    forward,
    read: true,
  };
}

function problemOnly(file: WalkedFile, shape: string, reason: string): FileEntry {
  return {
    file: { path: file.path, fingerprint: '', size: file.size, mtimeMs: 0, documents: 0, faqs: [], problems: [{ source: file.path, reason }], shape },
    passages: [],
    forward: [],
    read: true,
  };
}

/** Every file's passages in one list, ids checked across files (the first file, by path, keeps an id). */
function assemble(entries: readonly FileEntry[], problems: IngestProblem[], previousForward: PackedForward | undefined) {
  const passages: KbPassage[] = [];
  const forward: ForwardTerms[] = [];
  const files: ManifestFile[] = [];
  const docOwner = new Map<string, string>();
  const faqOwner = new Map<string, string>();
  for (const entry of entries) {
    const first = passages.length;
    const fileDocs = new Set<string>();
    for (const [k, p] of entry.passages.entries()) {
      const owner = docOwner.get(p.docId);
      if (owner !== undefined && owner !== entry.file.path) {
        if (!fileDocs.has(`!${p.docId}`)) problems.push({ source: p.source, reason: `doc_id "${p.docId}" is already used by ${owner}` });
        fileDocs.add(`!${p.docId}`);
        continue;
      }
      docOwner.set(p.docId, entry.file.path);
      passages.push(p);
      const own = entry.forward;
      forward.push('reusedFrom' in own ? unpackOne(previousForward as PackedForward, own.reusedFrom + k) : (own[k] as ForwardTerms));
    }
    const faqs: FaqEntry[] = [];
    for (const faq of entry.file.faqs) {
      const owner = faqOwner.get(faq.id);
      if (owner !== undefined || docOwner.has(faq.id)) {
        problems.push({ source: faq.source, reason: `FAQ id "${faq.id}" is already used by ${owner ?? docOwner.get(faq.id)}` });
        continue;
      }
      faqOwner.set(faq.id, faq.source);
      faqs.push(faq);
    }
    files.push({ ...entry.file, faqs, first, count: passages.length - first });
  }
  return { passages, forward: packForward(forward), files };
}

function countDocs(manifest: Manifest): number {
  return manifest.files.reduce((n, f) => n + f.documents, 0);
}

/** The `_kb.yaml` files of the folder, as text (bounded like any file). */
async function readMetaFiles(files: readonly WalkedFile[], maxBytes: number, problems: IngestProblem[]) {
  const out: { path: string; text: string }[] = [];
  for (const file of files) {
    if (basename(file.path) !== FOLDER_META_FILE) continue;
    try {
      out.push({ path: file.path, text: (await readWalkedFile(file, Math.min(maxBytes, 64 * 1024))).toString('utf8') });
    } catch (error) {
      problems.push({ source: file.path, reason: describeFsError(error) });
    }
  }
  return out;
}
