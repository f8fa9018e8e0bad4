import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnnGraph, AnnGraphFactory, AnnGraphSettings } from './ann-graph.js';

/** The saved graph and its metadata, beside `vectors.sqlite` in the cache folder. */
export const GRAPH_FILE = 'vectors.graph';
export const GRAPH_META_FILE = 'vectors.graph.json';

/** Bumped when what the fingerprint covers or the metadata's shape changes. */
const FORMAT = 1;
const MAX_META_BYTES = 64 * 1024;

/** What a saved graph must have been built with to be reused. */
export interface GraphIdentity {
  readonly library: string;
  readonly dims: number;
  /** What shapes the graph (the search-time `expansionSearch` is not saved in the file, so it is not part of this). */
  readonly settings: Pick<AnnGraphSettings, 'connectivity' | 'expansionAdd' | 'quantization'>;
  /** The embeddings model and passage prefix the vectors came from. */
  readonly model: string;
  readonly passagePrefix: string;
}

/** The metadata file's content. */
interface GraphMeta {
  readonly format: number;
  readonly identity: GraphIdentity;
  /** sha256 over the identity and the ordered (graph id, key, vector) list the graph holds. */
  readonly fingerprint: string;
  readonly count: number;
  /** Size and sha256 of the graph file as written. */
  readonly bytes: number;
  readonly sha256: string;
  readonly savedAt: string;
}

export function graphIdentity(factory: AnnGraphFactory, dims: number, model: string, passagePrefix: string): GraphIdentity {
  const { connectivity, expansionAdd, quantization } = factory.settings;
  return { library: factory.library, dims, settings: { connectivity, expansionAdd, quantization }, model, passagePrefix };
}

/**
 * sha256 over the identity and every (id, key, vector bytes) in order: it
 * ties a graph to exactly the items it holds under exactly those ids. A turn
 * of the event loop every few thousand items (hashing 50,000 × 1,024 floats
 * takes ~0.15 s).
 */
export async function graphFingerprint(identity: GraphIdentity, entries: Iterable<{ id: number; key: string; vector: Float32Array }>): Promise<{ fingerprint: string; count: number }> {
  const hash = createHash('sha256').update(JSON.stringify({ format: FORMAT, ...identity })).update('\0');
  const head = Buffer.alloc(12);
  let count = 0;
  for (const { id, key, vector } of entries) {
    const keyBytes = Buffer.from(key, 'utf8');
    head.writeDoubleLE(id, 0);
    head.writeUInt32LE(keyBytes.length, 8);
    hash.update(head).update(keyBytes).update(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
    if (++count % 4096 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return { fingerprint: hash.update(`\0${count}`).digest('hex'), count };
}

/**
 * Writes `graph` and its metadata into `dir`, each to a temp file renamed
 * over the old one (the graph first: a crash between the two leaves new
 * graph bytes under old metadata, whose checksum then does not match).
 * Throws on a write failure; the temp files are removed.
 */
export async function saveGraph(dir: string, graph: AnnGraph, identity: GraphIdentity, fingerprint: string, count: number): Promise<void> {
  const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const graphTemp = join(dir, `.${GRAPH_FILE}.${suffix}`);
  const metaTemp = join(dir, `.${GRAPH_META_FILE}.${suffix}`);
  try {
    graph.save(graphTemp);
    const handle = await open(graphTemp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { bytes, sha256 } = await digestFile(graphTemp);
    await rename(graphTemp, join(dir, GRAPH_FILE));
    const meta: GraphMeta = { format: FORMAT, identity, fingerprint, count, bytes, sha256, savedAt: new Date().toISOString() };
    await writeFile(metaTemp, JSON.stringify(meta), { flush: true });
    await rename(metaTemp, join(dir, GRAPH_META_FILE));
  } finally {
    await unlink(graphTemp).catch(() => undefined);
    await unlink(metaTemp).catch(() => undefined);
  }
}

/** Either the saved graph, or why it cannot be used (`suspicious`: the files are there but damaged or unreadable, not merely out of date). */
export type LoadedGraph = { readonly graph: AnnGraph } | { readonly reason: string; readonly suspicious: boolean };

/**
 * The graph saved in `dir`, if its metadata says it was built with this
 * identity from exactly the items fingerprinted by `expected`, and the file
 * is the one the metadata describes (its size and sha256: usearch reads a
 * truncated or damaged file without noticing, and can crash on it). Never
 * throws: anything wrong is a reason to rebuild.
 */
export async function loadGraph(dir: string, factory: AnnGraphFactory, identity: GraphIdentity, expected: { fingerprint: string; count: number }): Promise<LoadedGraph> {
  if (identity.library.endsWith(' unknown')) return { reason: 'the installed usearch version is unknown', suspicious: false };
  const metaFile = join(dir, GRAPH_META_FILE);
  const graphFile = join(dir, GRAPH_FILE);
  let meta: GraphMeta;
  try {
    const size = (await stat(metaFile)).size;
    if (size > MAX_META_BYTES) return { reason: `the graph metadata is ${size} bytes, more than ${MAX_META_BYTES}`, suspicious: true };
    meta = parseMeta(await readFile(metaFile, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { reason: 'no saved graph', suspicious: false };
    return { reason: `the graph metadata is unreadable: ${(error as Error).message}`, suspicious: true };
  }
  const changed = whatChanged(meta, identity, expected);
  if (changed) return { reason: changed, suspicious: false };
  const limit = maxGraphBytes(identity, expected.count);
  if (meta.bytes > limit) return { reason: `the graph metadata gives ${meta.bytes} bytes, more than ${limit} for ${expected.count} vectors`, suspicious: true };

  // Read through a private hard link: the bytes checked are the bytes loaded, even if another process renames a new graph in meanwhile.
  const snapshot = join(dir, `.${GRAPH_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.reading`);
  let source = graphFile;
  try {
    try {
      await link(graphFile, snapshot);
      source = snapshot;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { reason: 'the graph file is missing', suspicious: true };
      // A file system without hard links: read the file itself (writers only ever rename over it).
    }
    const size = (await stat(source)).size;
    if (size !== meta.bytes) return { reason: `the graph file is ${size} bytes, its metadata says ${meta.bytes} (truncated or replaced)`, suspicious: true };
    const digest = await digestFile(source);
    if (digest.bytes !== meta.bytes || digest.sha256 !== meta.sha256) return { reason: 'the graph file does not match its checksum (damaged or replaced)', suspicious: true };
    let graph: AnnGraph;
    try {
      graph = factory.load(source, identity.dims);
    } catch (error) {
      return { reason: `usearch could not read the graph file: ${(error as Error).message}`, suspicious: true };
    }
    if (graph.size !== expected.count) return { reason: `the graph file holds ${graph.size} vectors, expected ${expected.count}`, suspicious: true };
    return { graph };
  } catch (error) {
    return { reason: `the graph file is unreadable: ${(error as Error).message}`, suspicious: true };
  } finally {
    if (source === snapshot) await unlink(snapshot).catch(() => undefined);
  }
}

function whatChanged(meta: GraphMeta, identity: GraphIdentity, expected: { fingerprint: string; count: number }): string | undefined {
  const was = meta.identity;
  if (meta.format !== FORMAT) return `the saved graph has format ${meta.format}, this code writes ${FORMAT}`;
  if (was.library !== identity.library) return `the saved graph was written by ${was.library}, this is ${identity.library}`;
  if (was.model !== identity.model || was.passagePrefix !== identity.passagePrefix) return 'the saved graph is of another embeddings model or passage prefix';
  if (was.dims !== identity.dims) return `the saved graph has ${was.dims} dimensions, the vectors ${identity.dims}`;
  if (JSON.stringify(was.settings) !== JSON.stringify(identity.settings)) return `the saved graph was built with other settings (${JSON.stringify(was.settings)})`;
  if (meta.count !== expected.count) return `the saved graph holds ${meta.count} vectors, the index ${expected.count}`;
  if (meta.fingerprint !== expected.fingerprint) return 'the vectors or their order changed since the graph was saved';
  return undefined;
}

/**
 * A generous bound on a usearch file for `count` vectors: the vectors at 4
 * bytes a dimension at most, each node's key, level and level-0 neighbour
 * list (2 × connectivity 4-byte slots) with room for upper levels, and the
 * headers.
 */
function maxGraphBytes(identity: GraphIdentity, count: number): number {
  return 1024 * 1024 + count * (identity.dims * 4 + 64 + identity.settings.connectivity * 4 * 4);
}

function parseMeta(text: string): GraphMeta {
  const m = JSON.parse(text) as Partial<GraphMeta> | null;
  const id = m?.identity;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    typeof m.format === 'number' &&
    typeof m.fingerprint === 'string' &&
    /^[0-9a-f]{64}$/.test(m.sha256 ?? '') &&
    Number.isSafeInteger(m.count) &&
    (m.count as number) >= 0 &&
    Number.isSafeInteger(m.bytes) &&
    (m.bytes as number) > 0 &&
    typeof id === 'object' &&
    id !== null &&
    typeof id.library === 'string' &&
    typeof id.model === 'string' &&
    typeof id.passagePrefix === 'string' &&
    Number.isSafeInteger(id.dims) &&
    typeof id.settings === 'object' &&
    id.settings !== null;
  if (!ok) throw new Error('fields missing or of the wrong type');
  return m as GraphMeta;
}

async function digestFile(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    bytes += (chunk as Buffer).length;
    hash.update(chunk as Buffer);
  }
  return { bytes, sha256: hash.digest('hex') };
}
