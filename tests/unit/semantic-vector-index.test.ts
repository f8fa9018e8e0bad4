import { expect } from 'chai';
import { loadAnnGraphFactory } from '../../src/adapters/knowledge-base/retrieval/ann-graph.js';
import { TopK } from '../../src/adapters/knowledge-base/retrieval/top-k.js';
import { VectorIndex } from '../../src/adapters/knowledge-base/retrieval/vector-index.js';

/** Seeded, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function unitVectors(count: number, dims: number, rnd: () => number): Float32Array[] {
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dims }, () => rnd() - 0.5);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

function bruteForce(items: Map<string, Float32Array>, query: Float32Array, k: number, accept: (key: string) => boolean = () => true): string[] {
  const scored = [...items].filter(([key]) => accept(key)).map(([key, v]) => ({ key, score: v.reduce((s, x, i) => s + x * (query[i] as number), 0) }));
  return scored
    .sort((a, b) => b.score - a.score)
    .slice(0, k)
    .map((s) => s.key);
}

describe('vector index', () => {
  it('when searched exactly, then the top k equals a brute-force ranking on random data, with a filter too', () => {
    const rnd = random(7);
    const dims = 48;
    const items = new Map(unitVectors(2000, dims, rnd).map((v, i) => [`p${i}`, v]));
    const index = new VectorIndex({ dims });
    index.addMany([...items].map(([key, vector]) => ({ key, vector })));
    for (const query of unitVectors(25, dims, rnd)) {
      expect(index.search(query, 10).map((h) => h.key)).to.deep.equal(bruteForce(items, query, 10));
      const even = (key: string) => Number(key.slice(1)) % 2 === 0;
      expect(index.search(query, 7, even).map((h) => h.key)).to.deep.equal(bruteForce(items, query, 7, even));
    }
  });

  it('when items are removed, replaced and added, then searches see exactly the live set, through compaction', () => {
    const rnd = random(11);
    const dims = 16;
    const items = new Map(unitVectors(3000, dims, rnd).map((v, i) => [`p${i}`, v]));
    const index = new VectorIndex({ dims });
    for (const [key, vector] of items) index.add(key, vector);
    // Remove 2,000 (past the compaction point), replace 100, add 50 new.
    for (let i = 0; i < 2000; i++) {
      expect(index.remove(`p${i}`)).to.equal(true);
      items.delete(`p${i}`);
    }
    expect(index.remove('p0')).to.equal(false);
    const fresh = unitVectors(150, dims, rnd);
    for (let i = 0; i < 100; i++) {
      items.set(`p${2000 + i}`, fresh[i] as Float32Array);
      index.add(`p${2000 + i}`, fresh[i] as Float32Array);
    }
    for (let i = 0; i < 50; i++) {
      items.set(`new${i}`, fresh[100 + i] as Float32Array);
      index.add(`new${i}`, fresh[100 + i] as Float32Array);
    }
    expect(index.size).to.equal(items.size);
    for (const query of unitVectors(20, dims, rnd)) expect(index.search(query, 10).map((h) => h.key)).to.deep.equal(bruteForce(items, query, 10));
    expect(index.search(fresh[0] as Float32Array, 1)[0]).to.deep.include({ key: 'p2000' });
  });

  it('when a vector has the wrong dimension, then add and search say so', () => {
    const index = new VectorIndex({ dims: 4 });
    expect(() => index.add('a', new Float32Array(3))).to.throw(/3 dimensions, the index 4/);
    expect(() => index.search(new Float32Array(5), 1)).to.throw(/query has 5 dimensions/);
    expect(index.search(new Float32Array(4), 3)).to.deep.equal([]);
  });

  it('when the approximate graph is used, then its candidates re-scored exactly find the same top 10 on clustered data, and removals are honoured', function () {
    const factory = loadAnnGraphFactory();
    if ('error' in factory) throw new Error(`usearch did not load: ${factory.error}`);
    const rnd = random(3);
    const dims = 64;
    const centres = unitVectors(40, dims, rnd);
    const items = new Map<string, Float32Array>();
    for (let i = 0; i < 4000; i++) {
      const c = centres[i % centres.length] as Float32Array;
      const v = c.map((x) => x + (rnd() - 0.5) * 0.08);
      const norm = Math.hypot(...v);
      items.set(`p${i}`, v.map((x) => x / norm));
    }
    const index = new VectorIndex({ dims, graph: factory.create(dims), exactMaxWork: 0 });
    index.addMany([...items].map(([key, vector]) => ({ key, vector })));
    for (let i = 0; i < 500; i++) {
      index.remove(`p${i}`);
      items.delete(`p${i}`);
    }
    let found = 0;
    const queries = [...items.values()].slice(0, 50).map((v) => v.map((x) => x + (rnd() - 0.5) * 0.02));
    for (const query of queries) {
      const truth = new Set(bruteForce(items, query, 10));
      const hits = index.search(query, 10);
      for (const hit of hits) expect(items.has(hit.key), `removed ${hit.key} came back`).to.equal(true);
      found += hits.filter((h) => truth.has(h.key)).length;
    }
    expect(found / (queries.length * 10)).to.be.at.least(0.99);
  });

  it('when a selective filter leaves too few graph candidates, then it falls back to an exact scan', () => {
    const factory = loadAnnGraphFactory();
    if ('error' in factory) throw new Error(`usearch did not load: ${factory.error}`);
    const rnd = random(5);
    const dims = 32;
    const items = new Map(unitVectors(3000, dims, rnd).map((v, i) => [`p${i}`, v]));
    const index = new VectorIndex({ dims, graph: factory.create(dims), exactMaxWork: 0, rescoreCandidates: 20 });
    index.addMany([...items].map(([key, vector]) => ({ key, vector })));
    const rare = (key: string) => Number(key.slice(1)) % 500 === 0;
    const query = unitVectors(1, dims, rnd)[0] as Float32Array;
    expect(index.search(query, 5, rare).map((h) => h.key)).to.deep.equal(bruteForce(items, query, 5, rare));
  });

  it('when an empty index adopts items for a loaded graph, then they get ids 0..n-1 in order, nothing is added to the graph, and only an empty index can adopt', () => {
    const rnd = random(13);
    const dims = 8;
    const vectors = unitVectors(5, dims, rnd);
    const added: number[] = [];
    const graph = { add: (ids: readonly number[]) => void added.push(...ids), remove: () => undefined, candidates: () => [], size: 5, save: () => undefined };
    const index = new VectorIndex({ dims, graph });
    index.adopt(vectors.map((vector, i) => ({ key: `k${i}`, vector })));
    expect(added).to.deep.equal([]);
    expect([...index.graphEntries()].map(({ id, key }) => [id, key])).to.deep.equal([0, 1, 2, 3, 4].map((i) => [i, `k${i}`]));
    expect(index.search(vectors[3] as Float32Array, 1)[0]?.key).to.equal('k3');
    expect(() => index.adopt([{ key: 'x', vector: vectors[0] as Float32Array }])).to.throw(/needs an empty index/);
    // Later changes go to the graph under new ids, and the entries stay in id order.
    index.add('k1', vectors[0] as Float32Array);
    expect(added).to.deep.equal([5]);
    expect([...index.graphEntries()].map(({ id }) => id)).to.deep.equal([0, 2, 3, 4, 5]);
  });

  it('top-k keeps the best k of a stream, best first, ties by slot', () => {
    const top = new TopK(3);
    [5, 1, 9, 3, 9, 7, 2].forEach((score, slot) => top.offer(slot, score));
    expect(top.sorted()).to.deep.equal([
      { slot: 2, score: 9 },
      { slot: 4, score: 9 },
      { slot: 5, score: 7 },
    ]);
  });
});
