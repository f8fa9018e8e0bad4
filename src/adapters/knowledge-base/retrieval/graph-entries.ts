import { createHash } from 'node:crypto';

/**
 * What a saved graph holds, id by id: each graph id with the sha256 of the
 * vector it was given. Item keys are not in it: they are positions in one
 * index generation (`p<i>`), so a file added early in the folder shifts every
 * later key while the vectors stay the same. Matching by vector content lets
 * the next generation take over the ids of what did not change.
 */
export interface GraphEntry {
  readonly id: number;
  /** sha256 of the vector's float bytes, 32 bytes. */
  readonly hash: Buffer;
}

/** One entry on disk: the id as a float64 (little-endian) and the 32-byte hash. */
export const ENTRY_BYTES = 40;

/** sha256 of each vector's bytes, with a turn of the event loop every few thousand (50,000 × 1,024 floats take a few tenths of a second). */
export async function vectorHashes(vectors: Iterable<Float32Array>): Promise<Buffer[]> {
  const hashes: Buffer[] = [];
  for (const vector of vectors) {
    hashes.push(createHash('sha256').update(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength)).digest());
    if (hashes.length % 4096 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return hashes;
}

/** The entries as the file stores them (in the order given: callers pass them by increasing id). */
export function encodeEntries(entries: readonly GraphEntry[]): Buffer {
  const bytes = Buffer.alloc(entries.length * ENTRY_BYTES);
  entries.forEach(({ id, hash }, i) => {
    bytes.writeDoubleLE(id, i * ENTRY_BYTES);
    hash.copy(bytes, i * ENTRY_BYTES + 8, 0, 32);
  });
  return bytes;
}

/** Reads what `encodeEntries` wrote; throws unless the ids are integers in 0..nextId-1, strictly increasing. */
export function decodeEntries(bytes: Buffer, nextId: number): GraphEntry[] {
  if (bytes.length % ENTRY_BYTES !== 0) throw new Error(`${bytes.length} bytes is not a whole number of entries`);
  const entries: GraphEntry[] = [];
  let last = -1;
  for (let at = 0; at < bytes.length; at += ENTRY_BYTES) {
    const id = bytes.readDoubleLE(at);
    if (!Number.isSafeInteger(id) || id <= last || id >= nextId) throw new Error(`entry ${at / ENTRY_BYTES} has id ${id} (after ${last}, below ${nextId} expected)`);
    entries.push({ id, hash: bytes.subarray(at + 8, at + ENTRY_BYTES) });
    last = id;
  }
  return entries;
}

/** How a new list of items maps onto a saved graph. */
export interface GraphUpdatePlan {
  /** Item positions whose vector the graph already holds, each with its graph id, by increasing id. */
  readonly kept: { readonly item: number; readonly id: number }[];
  /** Item positions the graph lacks (new or changed), in item order. */
  readonly added: number[];
  /** Graph ids whose vector no item has any more (removed or changed). */
  readonly removed: number[];
}

/**
 * Matches items (by the hash of their vector) to the saved entries: an item
 * takes over the id of an entry with the same vector, each id at most once
 * (two items with one text are two entries); the rest are added, and the
 * entries no item took are removed.
 */
export function planGraphUpdate(entries: readonly GraphEntry[], itemHashes: readonly Buffer[]): GraphUpdatePlan {
  const idsOf = new Map<string, number[]>();
  for (const { id, hash } of entries) {
    const hex = hash.toString('hex');
    const ids = idsOf.get(hex);
    if (ids) ids.push(id);
    else idsOf.set(hex, [id]);
  }
  const kept: { item: number; id: number }[] = [];
  const added: number[] = [];
  const taken = new Set<number>();
  itemHashes.forEach((hash, item) => {
    const id = idsOf.get(hash.toString('hex'))?.shift();
    if (id === undefined) added.push(item);
    else {
      kept.push({ item, id });
      taken.add(id);
    }
  });
  kept.sort((a, b) => a.id - b.id);
  return { kept, added, removed: entries.filter(({ id }) => !taken.has(id)).map(({ id }) => id) };
}
