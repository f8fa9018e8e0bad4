import { createInflateRaw, inflateRawSync } from 'node:zlib';

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

/** An entry's stored (compressed) bytes, after its local header; cut short when the file is; undefined without the header. */
function entryData(bytes: Buffer, entry: ZipEntry): Buffer | undefined {
  const at = entry.localOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== 0x04034b50) return undefined;
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  return bytes.subarray(start, start + entry.compressedSize);
}

/** One entry's bytes (stored or deflated), at most `limit` of them; undefined when unreadable. */
export function zipEntryBytes(bytes: Buffer, entry: ZipEntry, limit: number): Buffer | undefined {
  const data = entryData(bytes, entry);
  if (!data || data.length < entry.compressedSize) return undefined;
  try {
    if (entry.method === 0) return data.subarray(0, limit);
    if (entry.method === 8) return inflateRawSync(data, { maxOutputLength: limit });
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Refuses what would expand past `maxTotal` bytes, or a ZIP without the part
 * that makes it this kind of file. The declared sizes are not trusted: each
 * deflated entry is inflated (counted, not kept) and refused when it expands
 * past what it declares, so the sum of the declared sizes bounds the memory
 * the Office library will use.
 */
export async function checkOfficeZip(bytes: Buffer, requiredPart: string, kind: string, maxTotal: number): Promise<{ entries: ZipEntry[] } | { reason: string }> {
  const entries = zipEntries(bytes);
  if (!entries) return { reason: `corrupt or truncated ${kind} (no complete ZIP directory)` };
  if (!entries.some((e) => e.name === requiredPart)) return { reason: `${kind} without ${requiredPart} (is it another kind of Office file?)` };
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  if (total > maxTotal) return { reason: `${kind} would expand to ${Math.round(total / 2 ** 20)} MiB; at most ${Math.round(maxTotal / 2 ** 20)} MiB are read` };
  for (const entry of entries) {
    if (entry.method !== 8) continue; // stored: its bytes are its size; other methods the library refuses itself
    const expanded = await inflatedSize(bytes, entry, entry.size);
    if (expanded === 'over') return { reason: `${kind}: ${entry.name.slice(0, 100)} declares ${entry.size} bytes but expands past them (a ZIP bomb?)` };
  }
  return { entries };
}

/** How many bytes a deflated entry inflates to, or `over` as soon as it passes `limit`; 0 when its data cannot be found (the library reports that). */
async function inflatedSize(bytes: Buffer, entry: ZipEntry, limit: number): Promise<number | 'over'> {
  const data = entryData(bytes, entry);
  if (!data) return 0;
  return new Promise((resolve) => {
    const inflate = createInflateRaw();
    let size = 0;
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        inflate.destroy();
        resolve('over');
      }
    });
    inflate.on('end', () => resolve(size));
    inflate.on('error', () => resolve(size)); // corrupt data: the library reports it with its own words
    inflate.end(data);
  });
}
