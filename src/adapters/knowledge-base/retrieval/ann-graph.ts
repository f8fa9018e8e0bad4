import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * An approximate nearest-neighbour graph (HNSW, from the `usearch` package,
 * whose npm release ships prebuilt binaries for Linux x64/arm64 and macOS, so
 * nothing is compiled at install). It only proposes candidates: `VectorIndex`
 * re-scores them exactly against its own float vectors.
 */
export interface AnnGraph {
  add(ids: readonly number[], vectors: Float32Array): void;
  remove(id: number): void;
  /** Up to `count` ids, roughly best first. */
  candidates(query: Float32Array, count: number): number[];
  /** Vectors the graph holds. */
  readonly size: number;
  /** Writes the graph to `file` in the library's own format (see `AnnGraphFactory.load`). */
  save(file: string): void;
}

export interface AnnGraphSettings {
  /** Edges per node (HNSW `M`). */
  readonly connectivity: number;
  /** Candidate list length while building (`efConstruction`). */
  readonly expansionAdd: number;
  /** Candidate list length while searching (`ef`). */
  readonly expansionSearch: number;
  /** How the graph stores vectors for its own distance computations: `i8` is 4× smaller and faster to build. */
  readonly quantization: 'f32' | 'f16' | 'i8';
  /**
   * Threads one `add` call uses (default 0: usearch picks, one per core).
   * Concurrent inserts leave the odd node unreachable (measured on 300
   * random 16-dimension vectors: 14 of 6,000 not found by their own vector,
   * none with 1 thread); tests that compare with an exact scan use 1.
   */
  readonly addThreads?: number;
}

export const DEFAULT_ANN_SETTINGS: AnnGraphSettings = { connectivity: 16, expansionAdd: 128, expansionSearch: 128, quantization: 'i8' };

/** Makes graphs of one set of settings: empty ones, or one read back from a file `save` wrote. */
export interface AnnGraphFactory {
  readonly settings: AnnGraphSettings;
  /** The library and its version (`usearch 2.25.3`): a saved graph is only read back by the version that wrote it. */
  readonly library: string;
  create(dims: number): AnnGraph;
  /**
   * The graph saved in `file`. Throws when the library cannot read it or it
   * does not have `dims` dimensions and these settings' connectivity. The
   * library does not check the file's integrity (a truncated file can crash
   * the process): the caller must have verified it (see `graph-file.ts`).
   */
  load(file: string, dims: number): AnnGraph;
}

/** Builds the graph factory, or says why the native package cannot load on this machine. */
export function loadAnnGraphFactory(settings: AnnGraphSettings = DEFAULT_ANN_SETTINGS): AnnGraphFactory | { error: string } {
  try {
    const require = createRequire(import.meta.url);
    // The CommonJS build finds its prebuilt binary from __dirname; the ES build walks a stack trace and fails under some loaders.
    const usearch = require('usearch') as typeof import('usearch').default;
    const library = `usearch ${usearchVersion(require.resolve('usearch'))}`;
    const make = (dims: number) =>
      new usearch.Index({
        dimensions: dims,
        metric: 'ip' as never,
        quantization: settings.quantization as never,
        connectivity: settings.connectivity,
        expansion_add: settings.expansionAdd,
        expansion_search: settings.expansionSearch,
        multi: false,
      });
    const wrap = (index: InstanceType<typeof usearch.Index>): AnnGraph => ({
      add: (ids, vectors) => index.add(BigUint64Array.from(ids, (id) => BigInt(id)), vectors, settings.addThreads ?? 0),
      remove: (id) => void index.remove(BigInt(id)),
      candidates: (query, count) => Array.from(index.search(query, count, 1).keys, Number),
      get size() {
        return index.size();
      },
      save: (file) => index.save(file),
    });
    return {
      settings,
      library,
      create: (dims) => wrap(make(dims)),
      load: (file, dims) => {
        const index = make(dims);
        index.load(file);
        // usearch takes the dimensions, metric and quantization from the file, not from the constructor.
        if (index.dimensions() !== dims) throw new Error(`the saved graph has ${index.dimensions()} dimensions, expected ${dims}`);
        if (index.connectivity() !== settings.connectivity) throw new Error(`the saved graph has connectivity ${index.connectivity()}, expected ${settings.connectivity}`);
        return wrap(index);
      },
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The installed usearch's version, read from its package.json (its `exports` do not expose it): `<root>/javascript/dist/cjs/usearch.js`. */
function usearchVersion(entry: string): string {
  try {
    const root = dirname(dirname(dirname(dirname(entry))));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === 'usearch' && typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
