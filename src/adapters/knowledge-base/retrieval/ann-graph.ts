import { createRequire } from 'node:module';

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
}

export const DEFAULT_ANN_SETTINGS: AnnGraphSettings = { connectivity: 16, expansionAdd: 128, expansionSearch: 128, quantization: 'i8' };

/** Builds an empty graph factory, or undefined (with the reason) when the native package cannot load on this machine. */
export function loadAnnGraphFactory(): { create: (dims: number, settings?: AnnGraphSettings) => AnnGraph } | { error: string } {
  try {
    // The CommonJS build finds its prebuilt binary from __dirname; the ES build walks a stack trace and fails under some loaders.
    const usearch = createRequire(import.meta.url)('usearch') as typeof import('usearch').default;
    return {
      create: (dims, settings = DEFAULT_ANN_SETTINGS) => {
        const index = new usearch.Index({
          dimensions: dims,
          metric: 'ip' as never,
          quantization: settings.quantization as never,
          connectivity: settings.connectivity,
          expansion_add: settings.expansionAdd,
          expansion_search: settings.expansionSearch,
          multi: false,
        });
        return {
          add: (ids, vectors) => index.add(BigUint64Array.from(ids, (id) => BigInt(id)), vectors),
          remove: (id) => void index.remove(BigInt(id)),
          candidates: (query, count) => Array.from(index.search(query, count, 1).keys, Number),
        };
      },
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
