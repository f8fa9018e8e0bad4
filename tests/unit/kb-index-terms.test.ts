import { expect } from 'chai';
import { indexDocs, type TestDoc } from '../support/kb-folder.js';

const ALL = { topK: 100, minScore: 0, spaces: [] };
const doc = (docId: string, text: string): TestDoc => ({ docId, title: '', text });

describe('lexical index: which query terms are looked up', () => {
  it('when a query term is in more than 3% of a large index, then it is not looked up and ranking rests on the rare one', async () => {
    // 1,000 passages, 50 of them (5%) say 报销, one other says 发票: 报销 is skipped, 发票 is not.
    const docs = Array.from({ length: 1000 }, (_, i) => doc(`d${i}`, i === 500 ? '发票' : i < 50 ? `报销 第${i}号` : `其他 第${i}号`));
    const index = indexDocs(docs);
    const found = index.search('报销 发票', ALL);
    expect(found.map((d) => d.docId)).to.deep.equal(['d500']);
  });

  it('when the only terms of a query are common, then they are still looked up rather than finding nothing', async () => {
    const docs = Array.from({ length: 1000 }, (_, i) => doc(`d${i}`, `报销 第${i}号`));
    const index = indexDocs(docs);
    expect(index.search('报销', { ...ALL, topK: 3 })).to.have.length(3);
  });

  it('when an index is small, then a term in every passage is still looked up', async () => {
    // 15 passages: below the 20-passage floor, 报销 keeps ranking every one of them.
    const docs = Array.from({ length: 15 }, (_, i) => doc(`d${i}`, i === 7 ? '报销 发票' : `报销 第${i}号`));
    const index = indexDocs(docs);
    const found = index.search('报销 发票', ALL);
    expect(found[0]?.docId).to.equal('d7');
    expect(found).to.have.length(15);
  });
});
