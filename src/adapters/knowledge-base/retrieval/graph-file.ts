import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, lstat, open, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnnGraph, AnnGraphFactory, AnnGraphSettings } from './ann-graph.js';
import { readRegularFile } from '../../support/read-regular-file.js';
import { decodeEntries, encodeEntries, ENTRY_BYTES, type GraphEntry } from './graph-entries.js';

/** The saved graph, the list of what it holds, and their metadata, beside `vectors.sqlite` in the cache folder. */
export const GRAPH_FILE = 'vectors.graph';
export const GRAPH_ENTRIES_FILE = 'vectors.graph.entries';
export const GRAPH_META_FILE = 'vectors.graph.json';

/** Bumped when what the fingerprint covers or the metadata's shape changes (2: the entries file, ids by vector content). */
const FORMAT = 2;
const MAX_META_BYTES = 64 * 1024;
/** Past this a graph id (a float64, turned into usearch's uint64 key) would soon stop being an exact integer: ids would collide. */
const MAX_NEXT_ID = 2 ** 52;
/** The temp files `saveGraph` writes and the read links `loadGraphFile` makes: `.<file>.<pid>.<8 hex>.tmp|reading`. */
const SCRATCH_NAME = /^\.vectors\.graph(?:\.entries|\.json)?\.(\d+)\.[0-9a-f]{8}\.(?:tmp|reading)$/;

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

/** What is known of a saved graph besides its entries. */
export interface GraphState {
  /** The id the next added vector gets: ids are never reused, so a removed id cannot come back meaning another vector. */
  readonly nextId: number;
  /** Vectors removed from the graph in place since it was last built from empty: their nodes stay in the file (see `GraphStore`). */
  readonly removedInPlace: number;
}

/** The metadata file's content. */
interface GraphMeta extends GraphState {
  readonly format: number;
  readonly identity: GraphIdentity;
  /** sha256 over the format, the identity and the entries file's bytes: ties the graph to exactly the (id, vector) list it holds. */
  readonly fingerprint: string;
  readonly count: number;
  /** Size and sha256 of the graph file as written. */
  readonly bytes: number;
  readonly sha256: string;
  readonly savedAt: string;
}

/** A saved graph's verified metadata and entries; its graph file is only read by `loadGraphFile`. */
export interface SavedGraph {
  readonly meta: GraphMeta;
  readonly entries: GraphEntry[];
}

/** Why a saved graph cannot be used (`suspicious`: the files are there but damaged or unreadable, not merely out of date). */
export interface GraphRefusal {
  readonly reason: string;
  readonly suspicious: boolean;
}

export function graphIdentity(factory: AnnGraphFactory, dims: number, model: string, passagePrefix: string): GraphIdentity {
  const { connectivity, expansionAdd, quantization } = factory.settings;
  return { library: factory.library, dims, settings: { connectivity, expansionAdd, quantization }, model, passagePrefix };
}

function fingerprintOf(identity: GraphIdentity, entries: Buffer): string {
  return createHash('sha256').update(JSON.stringify({ format: FORMAT, ...identity })).update('\0').update(entries).digest('hex');
}

/**
 * Writes `graph`, its entries (by increasing id: exactly the vectors it
 * holds) and their metadata into `dir`, each to a temp file renamed over the
 * old one, the metadata last: a crash between leaves new files under old
 * metadata, whose checksum and fingerprint then do not match. Throws on a
 * write failure; the temp files are removed.
 */
export async function saveGraph(dir: string, graph: AnnGraph, identity: GraphIdentity, entries: readonly GraphEntry[], state: GraphState): Promise<void> {
  const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const temp = (name: string) => join(dir, `.${name}.${suffix}`);
  const [graphTemp, entriesTemp, metaTemp] = [temp(GRAPH_FILE), temp(GRAPH_ENTRIES_FILE), temp(GRAPH_META_FILE)];
  try {
    graph.save(graphTemp);
    const handle = await open(graphTemp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const { bytes, sha256 } = await digestFile(graphTemp);
    const encoded = encodeEntries(entries);
    await writeFile(entriesTemp, encoded, { flush: true });
    await rename(graphTemp, join(dir, GRAPH_FILE));
    await rename(entriesTemp, join(dir, GRAPH_ENTRIES_FILE));
    const meta: GraphMeta = { format: FORMAT, identity, fingerprint: fingerprintOf(identity, encoded), count: entries.length, nextId: state.nextId, removedInPlace: state.removedInPlace, bytes, sha256, savedAt: new Date().toISOString() };
    await writeFile(metaTemp, JSON.stringify(meta), { flush: true });
    await rename(metaTemp, join(dir, GRAPH_META_FILE));
  } finally {
    for (const file of [graphTemp, entriesTemp, metaTemp]) await unlink(file).catch(() => undefined);
  }
}

/**
 * The metadata and entries of the graph saved in `dir`, if it was built with
 * this identity and the entries file is the one the metadata's fingerprint
 * covers. Never throws: anything wrong is a reason to rebuild.
 */
export async function readSavedGraph(dir: string, identity: GraphIdentity): Promise<{ saved: SavedGraph } | GraphRefusal> {
  if (identity.library.endsWith(' unknown')) return { reason: 'the installed usearch version is unknown', suspicious: false };
  await removeOrphans(dir);
  let meta: GraphMeta;
  try {
    const read = await readRegularFile(join(dir, GRAPH_META_FILE), MAX_META_BYTES);
    if ('notRegular' in read) return { reason: `the graph metadata is ${NOT_REGULAR}`, suspicious: true };
    if ('tooLarge' in read) return { reason: `the graph metadata is ${read.tooLarge} bytes, more than ${MAX_META_BYTES}`, suspicious: true };
    meta = parseMeta(read.bytes.toString('utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { reason: 'no saved graph', suspicious: false };
    return { reason: `the graph metadata is unreadable: ${(error as Error).message}`, suspicious: true };
  }
  const changed = whatChanged(meta, identity);
  if (changed) return { reason: changed, suspicious: false };
  if (meta.nextId > MAX_NEXT_ID) return { reason: `the graph metadata gives nextId ${meta.nextId}, past ${MAX_NEXT_ID}`, suspicious: true };
  const limit = maxGraphBytes(identity, meta.count + meta.removedInPlace);
  if (meta.bytes > limit) return { reason: `the graph metadata gives ${meta.bytes} bytes, more than ${limit} for ${meta.count} vectors${meta.removedInPlace > 0 ? ` and ${meta.removedInPlace} removed in place` : ''}`, suspicious: true };
  try {
    const expected = meta.count * ENTRY_BYTES;
    const read = await readRegularFile(join(dir, GRAPH_ENTRIES_FILE), expected);
    if ('notRegular' in read) return { reason: `the graph entries file is ${NOT_REGULAR}`, suspicious: true };
    const size = 'tooLarge' in read ? read.tooLarge : read.bytes.length;
    if ('tooLarge' in read || size !== expected) return { reason: `the graph entries file is ${size} bytes, ${expected} expected for ${meta.count} vectors (truncated or replaced)`, suspicious: true };
    const { bytes } = read;
    if (fingerprintOf(identity, bytes) !== meta.fingerprint) return { reason: 'the graph entries file does not match its fingerprint (damaged or replaced)', suspicious: true };
    return { saved: { meta, entries: decodeEntries(bytes, meta.nextId) } };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { reason: 'the graph entries file is missing', suspicious: true };
    return { reason: `the graph entries file is unreadable: ${(error as Error).message}`, suspicious: true };
  }
}

/**
 * The graph file `saved` describes, read by the library once its size and
 * sha256 are the ones recorded (usearch reads a truncated or damaged file
 * without noticing, and can crash on it) and checked to hold as many
 * vectors as the entries. Never throws.
 */
export async function loadGraphFile(dir: string, factory: AnnGraphFactory, identity: GraphIdentity, saved: SavedGraph): Promise<{ graph: AnnGraph } | GraphRefusal> {
  const { meta } = saved;
  // Read through a private hard link: the bytes checked are the bytes loaded, even if another process renames a new graph in meanwhile.
  const graphFile = join(dir, GRAPH_FILE);
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
    const info = await stat(source);
    if (!info.isFile()) return { reason: `the graph file is ${NOT_REGULAR}`, suspicious: true };
    const size = info.size;
    if (size !== meta.bytes) return { reason: `the graph file is ${size} bytes, its metadata says ${meta.bytes} (truncated or replaced)`, suspicious: true };
    const digest = await digestFile(source);
    if (digest.bytes !== meta.bytes || digest.sha256 !== meta.sha256) return { reason: 'the graph file does not match its checksum (damaged or replaced)', suspicious: true };
    let graph: AnnGraph;
    try {
      graph = factory.load(source, identity.dims);
    } catch (error) {
      return { reason: `usearch could not read the graph file: ${(error as Error).message}`, suspicious: true };
    }
    if (graph.size !== saved.entries.length) return { reason: `the graph file holds ${graph.size} vectors, its entries ${saved.entries.length}`, suspicious: true };
    return { graph };
  } catch (error) {
    return { reason: `the graph file is unreadable: ${(error as Error).message}`, suspicious: true };
  } finally {
    if (source === snapshot) await unlink(snapshot).catch(() => undefined);
  }
}

function whatChanged(meta: GraphMeta, identity: GraphIdentity): string | undefined {
  const was = meta.identity;
  if (meta.format !== FORMAT) return `the saved graph has format ${meta.format}, this code writes ${FORMAT}`;
  if (was.library !== identity.library) return `the saved graph was written by ${was.library}, this is ${identity.library}`;
  if (was.model !== identity.model || was.passagePrefix !== identity.passagePrefix) return 'the saved graph is of another embeddings model or passage prefix';
  if (was.dims !== identity.dims) return `the saved graph has ${was.dims} dimensions, the vectors ${identity.dims}`;
  if (JSON.stringify(was.settings) !== JSON.stringify(identity.settings)) return `the saved graph was built with other settings (${JSON.stringify(was.settings)})`;
  return undefined;
}

/**
 * A generous bound on a usearch file of `nodes` nodes (a removed vector's
 * node stays in the file until an added one takes its place): the vectors at
 * 4 bytes a dimension at most, each node's key, level and level-0 neighbour
 * list (2 × connectivity 4-byte slots) with room for upper levels, and the
 * headers.
 */
function maxGraphBytes(identity: GraphIdentity, nodes: number): number {
  return 1024 * 1024 + nodes * (identity.dims * 4 + 64 + identity.settings.connectivity * 4 * 4);
}

function parseMeta(text: string): GraphMeta {
  const m = JSON.parse(text) as Partial<GraphMeta> | null;
  const id = m?.identity;
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  const ok =
    m !== null &&
    typeof m === 'object' &&
    typeof m.format === 'number' &&
    typeof m.fingerprint === 'string' &&
    /^[0-9a-f]{64}$/.test(m.sha256 ?? '') &&
    count(m.count) &&
    count(m.nextId) &&
    count(m.removedInPlace) &&
    (m.nextId as number) >= (m.count as number) &&
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
  // An older format is reported as such by whatChanged, not as damage.
  if (m !== null && typeof m === 'object' && typeof m.format === 'number' && m.format !== FORMAT) return m as GraphMeta;
  if (!ok) throw new Error('fields missing or of the wrong type');
  return m as GraphMeta;
}

const NOT_REGULAR = 'not a regular file';

/**
 * Removes the temp files and read links a process that died (SIGKILL, OOM)
 * mid-save or mid-read left in `dir`: each can be a whole graph (56 MiB at
 * 50,000 × 1,024), and a crash loop would fill the disk. Those of live
 * processes (another instance on the same folder, this one) stay; a file
 * removed under a process in another pid namespace only fails its save or
 * read, which the checksums then refuse. Never throws.
 */
async function removeOrphans(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(SCRATCH_NAME.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    const file = join(dir, name);
    if ((await lstat(file).catch(() => undefined))?.isFile()) await unlink(file).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
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
