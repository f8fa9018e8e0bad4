import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaqEntry, IngestProblem, KbPassage } from '../ingest/blocks.js';
import { WORDING_ID } from '../wording.js';
import { readArrays, writeArrays } from './array-file.js';
import { LexicalIndex } from './lexical-index.js';

/** One file of the folder as the persisted index remembers it. */
export interface ManifestFile {
  readonly path: string;
  /** sha256 of its bytes and the settings and folder metadata that shaped its passages. */
  readonly fingerprint: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** Its passages are `[first, first + count)` of the index's passages. */
  readonly first: number;
  readonly count: number;
  readonly documents: number;
  readonly faqs: readonly FaqEntry[];
  readonly problems: readonly IngestProblem[];
}

export interface Manifest {
  readonly format: number;
  /** The spelling folds its terms were taken with (`WORDING_ID`): another table's index is rebuilt. */
  readonly wording: string;
  /** The folder it was built from (absolute). */
  readonly dir: string;
  readonly builtAt: string;
  readonly buildMs: number;
  readonly files: readonly ManifestFile[];
  /** Problems of the folder itself (links leaving it, too many files) and of ids across files. */
  readonly problems: readonly IngestProblem[];
}

/** A complete index as loaded from disk. */
export interface StoredIndex {
  readonly manifest: Manifest;
  readonly passages: KbPassage[];
  readonly lexical: LexicalIndex;
}

/** 2: terms are taken from text with users' variant spellings folded (`foldWording`); a format-1 index is rebuilt. */
export const INDEX_FORMAT = 2;

/**
 * The persisted index: each build is written to its own generation folder
 * and becomes current only when a `CURRENT` file naming it is renamed into
 * place, after every file of it was written and synced. A crash or kill in
 * the middle of a build leaves `CURRENT` naming the last complete
 * generation (or nothing), never half a folder; older generations are
 * removed once a newer one is current.
 */
export class IndexStore {
  constructor(readonly root: string) {}

  /**
   * The current generation, or undefined when there is none (then: build).
   * Another instance sharing the folder may make a newer generation current
   * and prune this one while it is read: then the new `CURRENT` is read again.
   */
  async load(expectedDir: string): Promise<StoredIndex | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.loadOnce(expectedDir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  private async loadOnce(expectedDir: string): Promise<StoredIndex | undefined> {
    let name: string;
    try {
      name = (await readFile(join(this.root, 'CURRENT'), 'utf8')).trim();
    } catch {
      return undefined;
    }
    if (!/^gen-[\w.-]+$/.test(name)) return undefined;
    const dir = join(this.root, name);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.format !== INDEX_FORMAT || manifest.wording !== WORDING_ID || manifest.dir !== expectedDir) return undefined;
    const passages = JSON.parse(await readFile(join(dir, 'passages.json'), 'utf8')) as KbPassage[];
    const a = await readArrays(join(dir, 'lexical.bin'));
    const lexical = new LexicalIndex({
      termHi: a.termHi as Uint32Array,
      termLo: a.termLo as Uint32Array,
      offsets: a.offsets as Uint32Array,
      postings: a.postings as Uint32Array,
      tf: a.tf as Uint8Array,
      lengths: a.lengths as Uint32Array,
    });
    if (lexical.passageCount !== passages.length) throw new Error(`${dir}: ${passages.length} passages but ${lexical.passageCount} indexed`);
    return { manifest, passages, lexical };
  }

  /**
   * Writes a new generation and makes it current. A rebuild that reuses
   * unchanged files takes their terms from the lexical index (its transpose,
   * `forwardOf`): no second copy of every posting is written. The passages
   * are written while `inverting` may still run on a thread; `manifestOf` is
   * asked for the manifest once the rest is on disk. Returns that manifest.
   */
  async save(manifestOf: () => Manifest, passages: readonly KbPassage[], inverting: LexicalIndex | Promise<LexicalIndex>): Promise<Manifest> {
    await mkdir(this.root, { recursive: true });
    const name = `gen-${Date.now()}-${process.pid}`;
    const dir = join(this.root, name);
    await mkdir(dir);
    // The passages while the lexical index may still be being inverted elsewhere.
    const [, lexical] = await Promise.all([writePassages(join(dir, 'passages.json'), passages), inverting]);
    await writeArrays(join(dir, 'lexical.bin'), { ...lexical.arrays });
    // The manifest last: a generation without one is incomplete by definition.
    const manifest = manifestOf();
    await writeSynced(join(dir, 'manifest.json'), JSON.stringify(manifest));
    const previous = await readFile(join(this.root, 'CURRENT'), 'utf8').then((t) => t.trim(), () => undefined);
    const tmp = join(this.root, `CURRENT.${process.pid}.tmp`);
    await writeSynced(tmp, `${name}\n`);
    await rename(tmp, join(this.root, 'CURRENT'));
    await syncDir(this.root);
    await this.prune(name, previous);
    return manifest;
  }

  /**
   * Removes every generation but `keep` and the one it replaced (which a
   * process that started just before may still be reading), and leftovers of
   * builds that died.
   */
  private async prune(keep: string, previous: string | undefined): Promise<void> {
    for (const entry of await readdir(this.root)) {
      if (entry === keep || entry === previous) continue;
      if (entry.startsWith('gen-') || /^CURRENT\.\d+\.tmp$/.test(entry)) {
        await rm(join(this.root, entry), { recursive: true, force: true }).catch(() => undefined);
      }
    }
  }
}

/** The passages as one JSON array, written a thousand at a time: one string of them all would be ~100 MB at 50,000. */
async function writePassages(path: string, passages: readonly KbPassage[]): Promise<void> {
  const handle = await open(path, 'w');
  try {
    for (let i = 0; i < passages.length || i === 0; i += 1000) {
      const part = passages.slice(i, i + 1000).map((p) => JSON.stringify(p)).join(',');
      await handle.write(`${i === 0 ? '[' : ','}${part}${i + 1000 >= passages.length ? ']' : ''}`);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeSynced(path: string, data: string | Buffer): Promise<void> {
  await writeFile(path, data);
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse to sync a folder; the rename is still atomic.
  } finally {
    await handle.close();
  }
}
