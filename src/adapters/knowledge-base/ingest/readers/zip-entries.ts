import { inflateRawSync } from 'node:zlib';

/**
 * Just enough of ZIP to look inside an Office file before a library loads
 * it: the entry names with their declared sizes (to refuse a zip bomb, and
 * to tell a .docx from an .xlsx), and one small entry's bytes (a Word
 * file's `docProps/core.xml`, which mammoth does not read).
 */
export interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localOffset: number;
}

/** The central directory's entries, or undefined when the bytes are not a complete ZIP. */
export function zipEntries(bytes: Buffer): ZipEntry[] | undefined {
  // The end-of-central-directory record sits in the last 22 + 65,535 (comment) bytes.
  const floor = Math.max(0, bytes.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= floor; i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return undefined;
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    if (at + 46 + nameLength > bytes.length) return undefined;
    entries.push({
      name: bytes.toString('utf8', at + 46, at + 46 + nameLength),
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      localOffset: bytes.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

/** One entry's bytes (stored or deflated), at most `limit` of them; undefined when unreadable. */
export function zipEntryBytes(bytes: Buffer, entry: ZipEntry, limit: number): Buffer | undefined {
  const at = entry.localOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== 0x04034b50) return undefined;
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const data = bytes.subarray(start, start + entry.compressedSize);
  if (data.length < entry.compressedSize) return undefined;
  try {
    if (entry.method === 0) return data.subarray(0, limit);
    if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: limit });
  } catch {
    return undefined;
  }
  return undefined;
}

/** Refuses what would expand past `maxTotal` bytes, or a ZIP without the part that makes it this kind of file. */
export function checkOfficeZip(bytes: Buffer, requiredPart: string, kind: string, maxTotal: number): { entries: ZipEntry[] } | { reason: string } {
  const entries = zipEntries(bytes);
  if (!entries) return { reason: `corrupt or truncated ${kind} (no complete ZIP directory)` };
  if (!entries.some((e) => e.name === requiredPart)) return { reason: `${kind} without ${requiredPart} (is it another kind of Office file?)` };
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  if (total > maxTotal) return { reason: `${kind} would expand to ${Math.round(total / 2 ** 20)} MiB; at most ${Math.round(maxTotal / 2 ** 20)} MiB are read` };
  return { entries };
}
