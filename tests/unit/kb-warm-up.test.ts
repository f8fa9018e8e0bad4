import { expect } from 'chai';
import type { KbPassage } from '../../src/adapters/knowledge-base/ingest/blocks.js';
import { type Searchable, warmUp } from '../../src/adapters/knowledge-base/index/warm-up.js';

const passage = (i: number) => ({ text: `第 ${i} 段：${'打印机驱动的安装说明。'.repeat(5)}` }) as KbPassage;

/** An index that records what it was asked, and can be slow. */
function recording(count: number, msPerSearch = 0): Searchable & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    passages: Array.from({ length: count }, (_, i) => passage(i)),
    search(query: string) {
      asked.push(query);
      const until = performance.now() + msPerSearch;
      while (performance.now() < until);
      return [];
    },
  };
}

describe('warming a freshly loaded index', () => {
  it('when an index is warmed, then it is searched with openings of passages spread over the whole index', () => {
    const index = recording(1000);
    expect(warmUp(index, 10)).to.equal(10);
    expect(index.asked).to.have.length(10);
    expect(index.asked[0]).to.match(/^第 0 段/);
    expect(index.asked[9]).to.match(/^第 900 段/);
    expect(index.asked.every((q) => q.length <= 40)).to.equal(true);
  });

  it('when searches are slow, then warming stops at its time budget', () => {
    const index = recording(100, 30);
    const started = performance.now();
    const run = warmUp(index, 24, 100);
    expect(run).to.be.below(24);
    expect(performance.now() - started).to.be.below(200);
  });

  it('when the index is empty, then nothing is searched', () => {
    expect(warmUp(recording(0))).to.equal(0);
  });
});
