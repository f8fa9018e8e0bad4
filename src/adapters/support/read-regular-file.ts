import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** What `readRegularFile` found: the bytes, or why it did not read them. */
export type RegularFileRead = { readonly bytes: Buffer } | { readonly notRegular: string } | { readonly tooLarge: number };

/**
 * The bytes of `path` if it is a regular file (or a link to one) of at most
 * `maxBytes`; otherwise what it is (`notRegular`: a FIFO, a socket, a
 * device) or its size (`tooLarge`). Opened without blocking and checked on
 * the open handle, so a file swapped for a FIFO cannot block the read (and a
 * thread of libuv's pool, and the shutdown) forever, and a link to a device
 * like /dev/zero cannot read until memory runs out. A file that shrinks
 * while it is read gives what is there. Throws what `open` throws (ENOENT…).
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<RegularFileRead> {
  const handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { notRegular: kindOf(info) };
    if (info.size > maxBytes) return { tooLarge: info.size };
    const bytes = Buffer.alloc(info.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { bytes: filled === bytes.length ? bytes : bytes.subarray(0, filled) };
  } finally {
    await handle.close();
  }
}

/** What a file that is not a regular one is, for a reason in the log. */
export function kindOf(s: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a file';
}
