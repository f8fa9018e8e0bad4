import { expect } from 'chai';
import { forwardOf, forwardTerms, packForward } from '../../src/adapters/knowledge-base/index/forward-terms.js';
import { LexicalIndex } from '../../src/adapters/knowledge-base/index/lexical-index.js';

/** Passages of random terms from a vocabulary far larger than the interning table's first size (4,096 slots). */
function corpus(passages: number, vocabulary: number): string[][] {
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: passages }, () => Array.from({ length: 30 }, () => `w:t${Math.floor(random() * vocabulary)}`));
}

describe('the lexical index', () => {
  it('when passages hold tens of thousands of distinct terms, then every term lists exactly the passages that have it, ascending, with its count', () => {
    const docs = corpus(3000, 40_000);
    const index = LexicalIndex.build(packForward(docs.map((terms) => forwardTerms(terms))));
    const expected = new Map<string, Map<number, number>>();
    docs.forEach((terms, p) => {
      for (const t of terms) {
        const m = expected.get(t) ?? new Map<number, number>();
        m.set(p, (m.get(p) ?? 0) + 1);
        expected.set(t, m);
      }
    });
    expect(index.termCount).to.equal(expected.size);
    const { offsets, postings, tf } = index.arrays;
    for (const [term, byPassage] of expected) {
      const id = index.termId(term);
      expect(id, term).to.be.at.least(0);
      const from = offsets[id] as number;
      const to = offsets[id + 1] as number;
      const listed = Array.from(postings.subarray(from, to));
      expect(listed, term).to.deep.equal([...byPassage.keys()].sort((a, b) => a - b));
      listed.forEach((p, k) => expect(tf[from + k], `${term} in ${p}`).to.equal(byPassage.get(p)));
    }
    expect(index.termId('w:absent')).to.equal(-1);
  });

  it('when a term is searched, then the passage that repeats it most ranks first', () => {
    const docs = [['w:a', 'w:b'], ['w:a', 'w:a', 'w:a', 'w:c'], ['w:c']];
    const index = LexicalIndex.build(packForward(docs.map((terms) => forwardTerms(terms))));
    expect(index.search([index.termId('w:a')], 2).map((h) => h.passage)).to.deep.equal([1, 0]);
  });

  it('when the forward terms are taken back from an index (what a rebuild reuses), then inverting them again gives the same index', () => {
    const index = LexicalIndex.build(packForward(corpus(500, 5000).map((terms) => forwardTerms(terms))));
    const back = forwardOf(index.arrays);
    expect(back.offsets.length).to.equal(501);
    const again = LexicalIndex.build(back);
    for (const [name, array] of Object.entries(index.arrays)) expect(Array.from(again.arrays[name as keyof typeof index.arrays]), name).to.deep.equal(Array.from(array));
  });
});
