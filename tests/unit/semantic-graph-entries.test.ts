import { expect } from 'chai';
import { decodeEntries, encodeEntries, planGraphUpdate, vectorHashes } from '../../src/adapters/knowledge-base/retrieval/graph-entries.js';
import { VectorIndex } from '../../src/adapters/knowledge-base/retrieval/vector-index.js';

const vector = (...xs: number[]) => Float32Array.from(xs);

describe('vector graph entries: which saved ids a new list of items keeps', () => {
  it('when items move, repeat a text, change or go, then each keeps the id of an entry with its vector, once, and the rest are added or removed', async () => {
    const [a, b, c, d] = await vectorHashes([vector(1, 0), vector(0, 1), vector(1, 1), vector(2, 0)]);
    // Saved: id 3 → a, 5 → b, 6 → a (one text twice), 9 → c.
    const entries = [
      { id: 3, hash: a as Buffer },
      { id: 5, hash: b as Buffer },
      { id: 6, hash: a as Buffer },
      { id: 9, hash: c as Buffer },
    ];
    // Now: b moved first, a once only, d new, c gone.
    const plan = planGraphUpdate(entries, [b, d, a] as Buffer[]);
    expect(plan.kept).to.deep.equal([
      { item: 2, id: 3 },
      { item: 0, id: 5 },
    ]);
    expect(plan.added).to.deep.equal([1]);
    expect(plan.removed).to.deep.equal([6, 9]);
  });

  it('when the entries are written and read back, then they are the same; ids out of order or past nextId are refused', async () => {
    const hashes = (await vectorHashes([vector(1), vector(2)])) as Buffer[];
    const entries = [
      { id: 0, hash: hashes[0] as Buffer },
      { id: 7, hash: hashes[1] as Buffer },
    ];
    const bytes = encodeEntries(entries);
    expect(decodeEntries(bytes, 8)).to.deep.equal(entries);
    expect(() => decodeEntries(bytes, 7)).to.throw(/has id 7/);
    expect(() => decodeEntries(encodeEntries([...entries].reverse()), 8)).to.throw(/has id 0 \(after 7/);
    expect(() => decodeEntries(bytes.subarray(0, 50), 8)).to.throw(/not a whole number/);
  });

  it('when an index adopts items under given ids, then later items get ids from nextId on, never a used one', () => {
    const added: number[] = [];
    const graph = { add: (ids: readonly number[]) => void added.push(...ids), remove: () => undefined, candidates: () => [], size: 2, save: () => undefined };
    const index = new VectorIndex({ dims: 2, graph });
    index.adopt(
      [
        { id: 4, key: 'x', vector: vector(1, 0) },
        { id: 9, key: 'y', vector: vector(0, 1) },
      ],
      12,
    );
    expect([...index.graphEntries()].map(({ id, key }) => [id, key])).to.deep.equal([
      [4, 'x'],
      [9, 'y'],
    ]);
    index.add('z', vector(1, 1));
    expect(added).to.deep.equal([12]);
    expect(index.nextGraphId).to.equal(13);
    expect(() => new VectorIndex({ dims: 2 }).adopt([{ id: 3, key: 'a', vector: vector(1, 0) }, { id: 3, key: 'b', vector: vector(0, 1) }])).to.throw(/ids must increase/);
    expect(() => new VectorIndex({ dims: 2 }).adopt([{ id: 3, key: 'a', vector: vector(1, 0) }], 3)).to.throw(/nextId 3/);
  });
});
