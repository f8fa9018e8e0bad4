import { open, readFile } from 'node:fs/promises';

type Typed = Uint32Array | Uint8Array | Float32Array;
const KINDS = { u32: Uint32Array, u8: Uint8Array, f32: Float32Array } as const;
type Kind = keyof typeof KINDS;

/**
 * Typed arrays in one file: a length-prefixed JSON header naming each array
 * (kind, offset, length), then the arrays' bytes, each 8-byte aligned, so
 * loading is one read and a view per array — no parsing of postings. Each
 * array is written from where it lies (no copy into one buffer of the whole
 * file: ~100 MB at 50,000 passages), and the file is synced before this resolves.
 */
export async function writeArrays(path: string, arrays: Record<string, Typed>): Promise<void> {
  const entries = Object.entries(arrays);
  const layout: Record<string, [Kind, number, number]> = {};
  let offset = 0;
  for (const [name, a] of entries) {
    layout[name] = [kindOf(a), offset, a.length];
    offset += align(a.byteLength);
  }
  const header = Buffer.from(JSON.stringify(layout), 'utf8');
  const start = align(8 + header.length);
  const head = Buffer.alloc(start);
  head.writeUInt32LE(header.length, 0);
  head.writeUInt32LE(MAGIC, 4);
  header.copy(head, 8);
  const handle = await open(path, 'w');
  try {
    await writeAll(handle, head, 0);
    for (const [name, a] of entries) {
      const [, at] = layout[name] as [Kind, number, number];
      await writeAll(handle, new Uint8Array(a.buffer, a.byteOffset, a.byteLength), start + at);
    }
    // The last array's padding, so the file is as long as the layout says.
    if (offset > 0) await handle.truncate(start + offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: Awaited<ReturnType<typeof open>>, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.byteLength; ) {
    const { bytesWritten } = await handle.write(bytes, done, bytes.byteLength - done, position + done);
    done += bytesWritten;
  }
}

/** Reads a file written by `encodeArrays`; throws on anything that does not add up (a torn or foreign file). */
export async function readArrays(path: string): Promise<Record<string, Typed>> {
  const file = await readFile(path);
  // Views need an aligned start; a pooled or offset buffer is copied once.
  const bytes = file.byteOffset % 8 === 0 ? file : Buffer.from(file);
  if (bytes.length < 8 || bytes.readUInt32LE(4) !== MAGIC) throw new Error(`${path}: not an index file`);
  const headerLength = bytes.readUInt32LE(0);
  if (8 + headerLength > bytes.length) throw new Error(`${path}: truncated header`);
  const layout = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, [Kind, number, number]>;
  const start = align(8 + headerLength);
  const out: Record<string, Typed> = {};
  for (const [name, [kind, at, length]] of Object.entries(layout)) {
    const Ctor = KINDS[kind];
    if (!Ctor) throw new Error(`${path}: unknown array kind ${kind}`);
    const byteLength = length * Ctor.BYTES_PER_ELEMENT;
    if (start + at + byteLength > bytes.length) throw new Error(`${path}: truncated (${name})`);
    out[name] = new Ctor(bytes.buffer, bytes.byteOffset + start + at, length);
  }
  return out;
}

function kindOf(a: Typed): Kind {
  if (a instanceof Uint32Array) return 'u32';
  if (a instanceof Uint8Array) return 'u8';
  return 'f32';
}

const align = (n: number) => Math.ceil(n / 8) * 8;
const MAGIC = 0x4b424958; // "KBIX"
