import { randomUUID } from 'node:crypto';
import { constants as fs } from 'node:fs';
import { mkdir, open, rename, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';

/** One FAQ entry as the knowledge base's JSON Lines reader takes it. */
export interface TaughtEntry {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  readonly similar: readonly string[];
}

/** A lock not refreshed for this long belongs to a process that died; it is taken over. */
const LOCK_STALE_MS = 10_000;

/** Wordings per entry at most (the reader refuses rows past 200). */
export const MAX_SIMILAR = 200;

/**
 * The FAQ file "teach it" writes (`ADMIN_FAQ_FILE`). A new entry is one line
 * appended with O_APPEND in a single write (a reader sees it whole or not at
 * all); adding wordings rewrites the file into a temporary one renamed over
 * it. Edits in this process run one at a time, and across processes (several
 * instances teaching into one shared folder) under a lock beside the file —
 * otherwise a line one instance appends while another rewrites the file would
 * be lost. A lock left by a crashed process is taken over once stale. The
 * index notices the change through its folder watcher.
 */
export class TaughtFaqFile {
  private last: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  add(entry: Omit<TaughtEntry, 'id'>): Promise<TaughtEntry> {
    return this.serial(async () => {
      const full: TaughtEntry = { id: `taught-${randomUUID()}`, ...entry };
      await mkdir(dirname(this.path), { recursive: true });
      const handle = await openOwn(this.path, fs.O_WRONLY | fs.O_APPEND | fs.O_CREAT);
      try {
        const before = (await handle.stat()).size;
        // A file whose last line lacks its newline would glue the two rows together.
        const lead = before > 0 && !(await this.endsWithNewline(before)) ? '\n' : '';
        await handle.write(`${lead}${JSON.stringify(full)}\n`);
      } finally {
        await handle.close();
      }
      return full;
    });
  }

  /** Adds wordings to entry `id`; undefined when no line has that id. */
  addSimilar(id: string, wordings: readonly string[]): Promise<TaughtEntry | undefined> {
    return this.serial(async () => {
      let text: string;
      try {
        const handle = await openOwn(this.path, fs.O_RDONLY);
        try {
          text = await handle.readFile('utf8');
        } finally {
          await handle.close();
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let found: TaughtEntry | undefined;
      const lines = text.split('\n').map((line) => {
        if (!line.trim()) return line;
        let row: Record<string, unknown>;
        try {
          row = JSON.parse(line) as Record<string, unknown>;
        } catch {
          return line; // not ours to fix: the reader reports it
        }
        if (row.id !== id) return line;
        const similar = Array.isArray(row.similar) ? (row.similar as string[]) : [];
        const merged = [...new Set([...similar, ...wordings])].filter((w) => w !== row.question).slice(0, MAX_SIMILAR);
        found = { ...(row as unknown as TaughtEntry), similar: merged };
        return JSON.stringify(found);
      });
      if (!found) return undefined;
      // Hidden, so the knowledge folder's walker never reads the half-written copy.
      const temp = join(dirname(this.path), `.${basename(this.path)}.${process.pid}.tmp`);
      const handle = await openOwn(temp, fs.O_WRONLY | fs.O_CREAT | fs.O_TRUNC);
      try {
        await handle.write(lines.join('\n'));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
      return found;
    });
  }

  /** Runs `work` holding the cross-process lock; gives up with an error naming the file after about 10 s. */
  private async locked<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(this.path, {
        realpath: false, // the file may not exist yet
        // Hidden, like the temporary copy, so the knowledge folder's walker skips it.
        lockfilePath: join(dirname(this.path), `.${basename(this.path)}.lock`),
        stale: LOCK_STALE_MS,
        retries: { retries: 20, minTimeout: 50, maxTimeout: 500 },
      });
    } catch (error) {
      throw new Error(`${this.path} is being changed by another process (its lock was held for too long): ${(error as Error).message}`);
    }
    try {
      return await work();
    } finally {
      await release().catch(() => undefined); // compromised or already gone: the next edit takes it over
    }
  }

  private async endsWithNewline(size: number): Promise<boolean> {
    const handle = await openOwn(this.path, fs.O_RDONLY);
    try {
      const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
      return buffer[0] === 0x0a;
    } finally {
      await handle.close();
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const locked = () => this.locked(work);
    const next = this.last.then(locked, locked);
    this.last = next.catch(() => undefined);
    return next;
  }
}

/**
 * Opens `path` itself, never a link in its place (O_NOFOLLOW): a knowledge folder synced from a
 * shared repository may carry a link named like the FAQ file or its temporary copy, and writing
 * through it would change a file outside the folder (which the index, skipping links out, never reads).
 */
async function openOwn(path: string, flags: number): Promise<FileHandle> {
  try {
    return await open(path, flags | fs.O_NOFOLLOW, 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`${basename(path)} is a symbolic link; the FAQ file must be a regular file`);
    throw error;
  }
}
