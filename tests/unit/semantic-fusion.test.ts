import { expect } from 'chai';
import { faqEntriesByBestQuestion, reciprocalRankFusion } from '../../src/adapters/knowledge-base/retrieval/fusion.js';

describe('reciprocal rank fusion', () => {
  const lexical = { name: 'lexical', weight: 1, candidates: [{ id: 'a', score: 12 }, { id: 'b', score: 9 }, { id: 'c', score: 3 }] };
  const vector = { name: 'vector', weight: 1, candidates: [{ id: 'c', score: 0.91 }, { id: 'd', score: 0.88 }, { id: 'a', score: 0.5 }] };

  it('when two lists are fused, then scores are Σ w/(k+rank) and each source keeps its rank and score', () => {
    const fused = reciprocalRankFusion([lexical, vector], 60);
    expect(fused.map((f) => f.id)).to.deep.equal(['a', 'c', 'b', 'd']);
    expect(fused[0]?.score).to.be.closeTo(1 / 61 + 1 / 63, 1e-12);
    expect(fused[1]?.sources).to.deep.equal({ lexical: { rank: 3, score: 3 }, vector: { rank: 1, score: 0.91 } });
    expect(fused[2]?.sources).to.have.keys('lexical');
  });

  it('when only the vector side finds the answer, then it still comes out (and a weight can favour that side)', () => {
    const onlyVector = reciprocalRankFusion([{ ...lexical, candidates: [] }, vector]);
    expect(onlyVector[0]?.id).to.equal('c');
    const vectorHeavy = reciprocalRankFusion([lexical, { ...vector, weight: 3 }]);
    expect(vectorHeavy[0]?.id).to.equal('c');
    const lexicalOnly = reciprocalRankFusion([lexical, { ...vector, weight: 0 }]);
    expect(lexicalOnly.map((f) => f.id).slice(0, 3)).to.deep.equal(['a', 'b', 'c']);
  });

  it('when a list repeats an id, then only its best place counts; ties go to the better best rank', () => {
    const fused = reciprocalRankFusion([{ name: 'x', weight: 1, candidates: [{ id: 'p', score: 1 }, { id: 'p', score: 0.5 }, { id: 'q', score: 0.4 }] }]);
    expect(fused.map((f) => [f.id, f.sources.x?.rank])).to.deep.equal([
      ['p', 1],
      ['q', 2],
    ]);
    expect(() => reciprocalRankFusion([{ name: 'bad', weight: -1, candidates: [] }])).to.throw(/weight of bad/);
  });

  it('an FAQ entry scores by its best-matching question, standard or similar', () => {
    const entryOf = (q: string) => (q.startsWith('faq1') ? 'faq1' : q.startsWith('faq2') ? 'faq2' : undefined);
    const entries = faqEntriesByBestQuestion(
      [
        { key: 'faq1#std', score: 0.6 },
        { key: 'faq2#similar-3', score: 0.8 },
        { key: 'faq1#similar-1', score: 0.9 },
        { key: 'orphan', score: 0.99 },
      ],
      entryOf,
    );
    expect(entries).to.deep.equal([
      { id: 'faq1', score: 0.9, matchedQuestion: 'faq1#similar-1' },
      { id: 'faq2', score: 0.8, matchedQuestion: 'faq2#similar-3' },
    ]);
  });
});
