import { expect } from 'chai';
import type { KbDocument } from '../../src/adapters/knowledge-base/kb-document.js';
import { keyOf, PassageIndex, termOf } from '../../src/adapters/knowledge-base/passage-index.js';

const ALL = { topK: 100, minScore: 0, spaces: [] };
const doc = (docId: string, text: string): KbDocument => ({ docId, title: '', url: '', spaceId: '', text, source: docId });

describe('passage index terms', () => {
  it('when a term is spelled for minisearch, then it is hex only and spells the same term back', () => {
    for (const term of ['w:网络', 'b:截止', 'w:deepseek', 'w:chat_deadline_ms', 'b:𠀋𠀌', 'w:é']) {
      const key = keyOf(term);
      expect(key).to.match(/^[0-9a-f]+$/);
      expect(key).to.have.length(term.length * 4);
      expect(termOf(key)).to.equal(term);
    }
  });

  it('when distinct terms are spelled, then their keys are distinct', () => {
    const terms = ['b:网络', 'b:网终', 'w:网', 'w:a', 'w:aa', 'b:a网'];
    expect(new Set(terms.map(keyOf)).size).to.equal(terms.length);
  });

  it('when a query term is in more than 3% of a large index, then it is not looked up and ranking rests on the rare one', async () => {
    // 1,000 passages, 50 of them (5%) say 报销, one other says 发票: 报销 is skipped, 发票 is not.
    const docs = Array.from({ length: 1000 }, (_, i) => doc(`d${i}`, i === 500 ? '发票' : i < 50 ? `报销 第${i}号` : `其他 第${i}号`));
    const index = await PassageIndex.build(docs, 800);
    const found = index.search('报销 发票', ALL);
    expect(found.map((d) => d.docId)).to.deep.equal(['d500']);
  });

  it('when the only terms of a query are common, then they are still looked up rather than finding nothing', async () => {
    const docs = Array.from({ length: 1000 }, (_, i) => doc(`d${i}`, `报销 第${i}号`));
    const index = await PassageIndex.build(docs, 800);
    expect(index.search('报销', { ...ALL, topK: 3 })).to.have.length(3);
  });

  it('when an index is small, then a term in every passage is still looked up', async () => {
    // 15 passages: below the 20-passage floor, 报销 keeps ranking every one of them.
    const docs = Array.from({ length: 15 }, (_, i) => doc(`d${i}`, i === 7 ? '报销 发票' : `报销 第${i}号`));
    const index = await PassageIndex.build(docs, 800);
    const found = index.search('报销 发票', ALL);
    expect(found[0]?.docId).to.equal('d7');
    expect(found).to.have.length(15);
  });
});
