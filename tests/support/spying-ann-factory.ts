import { DEFAULT_ANN_SETTINGS, loadAnnGraphFactory, type AnnGraph, type AnnGraphFactory } from '../../src/adapters/knowledge-base/retrieval/ann-graph.js';

/** A usearch graph factory that records what every graph it makes or loads is asked to do. */
export type SpyingAnnFactory = AnnGraphFactory & { created: number; loaded: number; addedIds: number[]; removedIds: number[] };

/** The usearch factory with one insert thread (tests compare with an exact scan), spied on (`SpyingAnnFactory`). */
export function spyingAnnFactory(): SpyingAnnFactory {
  const real = loadAnnGraphFactory({ ...DEFAULT_ANN_SETTINGS, addThreads: 1 });
  if ('error' in real) throw new Error(`usearch did not load: ${real.error}`);
  const spy: SpyingAnnFactory = {
    settings: real.settings,
    library: real.library,
    created: 0,
    loaded: 0,
    addedIds: [],
    removedIds: [],
    create: (dims) => {
      spy.created += 1;
      return watched(real.create(dims));
    },
    load: (file, dims) => {
      spy.loaded += 1;
      return watched(real.load(file, dims));
    },
  };
  const watched = (graph: AnnGraph): AnnGraph => {
    const [add, remove] = [graph.add.bind(graph), graph.remove.bind(graph)];
    graph.add = (ids, vectors) => {
      spy.addedIds.push(...ids);
      add(ids, vectors);
    };
    graph.remove = (id) => {
      spy.removedIds.push(id);
      remove(id);
    };
    return graph;
  };
  return spy;
}
