import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** The file a cache keeps in the folder it is given. */
export const VECTOR_CACHE_FILE = 'vectors.sqlite';

/**
 * Embedding vectors persisted in SQLite, keyed by sha256(model, prefix,
 * text): a restart re-embeds nothing, a changed text gets a new key, and a
 * changed model changes every key. Vectors are stored as Float32 blobs.
 * The cache remembers the model it last saw, so the caller can say when a
 * model change means re-embedding everything.
 */
export class VectorCache {
  private readonly db: Database.Database;
  private readonly selectOne: Database.Statement<[Buffer], Buffer>;
  private readonly selectAll: Database.Statement<[], [Buffer, Buffer]>;
  private readonly upsert: Database.Statement<[Buffer, Buffer]>;

  private constructor(readonly file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // The cache can always be rebuilt by re-embedding; losing the last transaction on a power cut is fine.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
    this.selectOne = this.db.prepare<[Buffer], Buffer>('SELECT vector FROM vectors WHERE key = ?').pluck();
    this.selectAll = this.db.prepare<[], [Buffer, Buffer]>('SELECT key, vector FROM vectors').raw();
    this.upsert = this.db.prepare('INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)');
  }

  /** Opens (creating when needed) `<dir>/vectors.sqlite`. */
  static open(dir: string): VectorCache {
    mkdirSync(dir, { recursive: true });
    return new VectorCache(join(dir, VECTOR_CACHE_FILE));
  }

  /** The cache key of a text embedded by `model` with `prefix` (hex sha256; fields separated so they cannot run together). */
  static keyOf(model: string, prefix: string, text: string): string {
    return createHash('sha256').update(model).update('\0').update(prefix).update('\0').update(text).digest('hex');
  }

  /** Number of vectors stored. */
  get count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM vectors').get() as { n: number }).n;
  }

  /**
   * The vectors found for `keys` (of `dims` dimensions; a stored blob of
   * another size counts as missing). When most of the table is wanted (a
   * restart), one scan in key order: 50,000 point lookups of 4 KiB blobs
   * cost ~60 µs each (a B-tree descent and overflow pages read through a
   * small page cache, in random key order), the scan ~16 µs a row.
   */
  getMany(keys: readonly string[], dims?: number): Map<string, Float32Array> {
    const wanted = new Set(keys);
    const found = new Map<string, Float32Array>();
    const take = (key: string, blob: Buffer | undefined) => {
      if (!blob || blob.byteLength % 4 !== 0 || blob.byteLength === 0) return;
      if (dims !== undefined && blob.byteLength !== dims * 4) return;
      found.set(key, floatsOf(blob));
    };
    if (wanted.size * 4 >= this.count) {
      for (const [key, blob] of this.selectAll.iterate()) {
        const hex = key.toString('hex');
        if (wanted.has(hex)) take(hex, blob);
      }
    } else {
      for (const key of wanted) take(key, this.selectOne.get(Buffer.from(key, 'hex')));
    }
    return found;
  }

  /** Stores vectors, in one transaction. */
  putMany(entries: readonly { key: string; vector: Float32Array }[]): void {
    this.db.transaction(() => {
      for (const { key, vector } of entries) this.upsert.run(Buffer.from(key, 'hex'), Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    })();
  }

  /** The model recorded by the last `noteModel`. */
  lastModel(): string | undefined {
    return (this.db.prepare("SELECT value FROM meta WHERE name = 'model'").get() as { value: string } | undefined)?.value;
  }

  /** Records the model now in use; returns the one before (undefined on a new cache). */
  noteModel(model: string): string | undefined {
    const before = this.lastModel();
    if (before !== model) this.db.prepare("INSERT OR REPLACE INTO meta (name, value) VALUES ('model', ?)").run(model);
    return before;
  }

  /** Deletes every vector whose key is not in `keep` (the keys of the latest full index build); returns how many went. */
  prune(keep: Iterable<string>): number {
    return this.db.transaction(() => {
      this.db.exec('CREATE TEMP TABLE IF NOT EXISTS keep (key BLOB PRIMARY KEY) WITHOUT ROWID; DELETE FROM keep;');
      const insert = this.db.prepare('INSERT OR IGNORE INTO keep (key) VALUES (?)');
      for (const key of keep) insert.run(Buffer.from(key, 'hex'));
      const removed = this.db.prepare('DELETE FROM vectors WHERE key NOT IN (SELECT key FROM keep)').run().changes;
      this.db.exec('DELETE FROM keep');
      return removed;
    })();
  }

  close(): void {
    this.db.close();
  }
}

/**
 * The blob's floats, without a copy when they can be read in place:
 * better-sqlite3 hands every blob over in a Buffer of its own (copied out of
 * SQLite's page, `node::Buffer::Copy`), so a view on it stays valid. A
 * Float32Array needs a 4-byte aligned offset; otherwise copy.
 */
function floatsOf(blob: Buffer): Float32Array {
  if (blob.byteOffset % 4 === 0) return new Float32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  const vector = new Float32Array(blob.byteLength / 4);
  new Uint8Array(vector.buffer).set(blob);
  return vector;
}
