import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { kindOf, readRegularFile } from '../../support/read-regular-file.js';
import type { IngestProblem } from './blocks.js';

export interface WalkLimits {
  /** Files larger than this are skipped with their size (`KB_MAX_FILE_BYTES`). */
  readonly maxFileBytes: number;
  /** At most this many files are listed; the rest are reported once (`KB_MAX_FILES`). */
  readonly maxFiles: number;
}

/** A file found under the folder: where it is, relative to the folder, `/`-separated. */
export interface WalkedFile {
  readonly path: string;
  /** Absolute, links resolved: always inside the folder. */
  readonly realPath: string;
  readonly size: number;
}

export interface Walk {
  readonly files: WalkedFile[];
  readonly problems: IngestProblem[];
}

/**
 * Lists the files under `root` that may be read: regular files only (a FIFO,
 * socket or device named `*.md` would block a reader forever), links
 * followed only while they stay inside `root` once resolved (a link to
 * `/etc/passwd` must not become a knowledge passage), each real folder
 * walked once (two links pointing at each other end the walk instead of
 * listing forever), hidden names ignored, and the size and count bounded.
 * What is left out is reported by name with the reason.
 */
export async function walkFolder(root: string, limits: WalkLimits): Promise<Walk> {
  const realRoot = await realpath(root);
  const files: WalkedFile[] = [];
  const problems: IngestProblem[] = [];
  const seenDirs = new Set<string>([realRoot]);
  const pending: string[] = [''];
  let truncated = false;
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let names: string[];
    try {
      names = (await readdir(join(root, dir))).sort();
    } catch (error) {
      problems.push({ source: dir || '.', reason: describeFsError(error) });
      continue;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const path = dir ? `${dir}/${name}` : name;
      const entry = await classify(join(root, path), realRoot);
      if ('reason' in entry) {
        problems.push({ source: path, reason: entry.reason });
      } else if (entry.kind === 'dir') {
        if (seenDirs.has(entry.realPath)) continue; // a loop or a second link to a folder already walked
        seenDirs.add(entry.realPath);
        pending.push(path);
      } else if (entry.size > limits.maxFileBytes) {
        problems.push({ source: path, reason: `too large: ${entry.size} bytes (KB_MAX_FILE_BYTES is ${limits.maxFileBytes})` });
      } else if (files.length >= limits.maxFiles) {
        truncated = true;
      } else {
        files.push({ path, realPath: entry.realPath, size: entry.size });
      }
    }
  }
  if (truncated) problems.push({ source: '.', reason: `more than ${limits.maxFiles} files (KB_MAX_FILES); the rest were not read` });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems };
}

type Entry = { kind: 'dir' | 'file'; realPath: string; size: number } | { reason: string };

async function classify(path: string, realRoot: string): Promise<Entry> {
  try {
    const own = await lstat(path);
    if (!own.isSymbolicLink() && !own.isFile() && !own.isDirectory()) return { reason: `not a regular file (${kindOf(own)})` };
    const real = await realpath(path);
    if (!inside(realRoot, real)) return { reason: `link leads outside the knowledge folder (to ${real})` };
    const target = own.isSymbolicLink() ? await stat(real) : own;
    if (target.isDirectory()) return { kind: 'dir', realPath: real, size: 0 };
    if (!target.isFile()) return { reason: `not a regular file (${kindOf(target)})` };
    return { kind: 'file', realPath: real, size: target.size };
  } catch (error) {
    return { reason: describeFsError(error) };
  }
}

/**
 * Reads a listed file, at most `maxBytes`. Opened non-blocking and checked
 * again once open, so a file swapped for a FIFO after the walk cannot block
 * the read (and with it a libuv thread and the shutdown).
 */
export async function readWalkedFile(file: WalkedFile, maxBytes: number): Promise<Buffer> {
  const read = await readRegularFile(file.realPath, maxBytes);
  if ('notRegular' in read) throw new WalkError(`not a regular file (${read.notRegular})`);
  if ('tooLarge' in read) throw new WalkError(`too large: ${read.tooLarge} bytes (KB_MAX_FILE_BYTES is ${maxBytes})`);
  return read.bytes;
}

/** A reason a file is not read, already worded for the log. */
export class WalkError extends Error {}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/** An fs error as a reason for the log, without the absolute path. */
export function describeFsError(error: unknown): string {
  if (error instanceof WalkError) return error.message;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'link loop';
  if (code === 'EISDIR') return 'is a folder, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'vanished or is a broken link';
  return code ?? (error as Error).message;
}
