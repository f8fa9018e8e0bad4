import { expect } from 'chai';
import fc from 'fast-check';
import { ThinkBlockFilter } from '../../src/adapters/llm/think-block-filter.js';

/** Feeds `pieces` through a fresh filter and joins what comes out. */
function filtered(pieces: readonly string[]): string {
  const filter = new ThinkBlockFilter();
  return pieces.map((p) => filter.push(p)).join('') + filter.flush();
}

/** Cuts `text` at the given offsets (any UTF-16 position, so tags and surrogate pairs split too). */
function cut(text: string, offsets: readonly number[]): string[] {
  const at = [...new Set(offsets.map((o) => o % (text.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((start, i) => text.slice(start, at[i] ?? text.length));
}

describe('ThinkBlockFilter', () => {
  it('when a think block leads the answer, then it and the blank lines after it are dropped', () => {
    expect(filtered(['<think>先分析一下</think>\n\n答案是 42。'])).to.equal('答案是 42。');
  });

  it('when the text has no think block, then it passes unchanged, including a lone "<"', () => {
    expect(filtered(['a < b', ' 且 <t', 'able>'])).to.equal('a < b 且 <table>');
  });

  it('when the stream ends inside a block, then the unfinished reasoning is dropped', () => {
    expect(filtered(['答：', '<think>还没想完'])).to.equal('答：');
  });

  it('when the same text is cut anywhere, then the result is the same as uncut', () => {
    // Letters of the tags themselves make near-miss tags ("<thi>", "</t") likely.
    const answer = fc
      .array(fc.constantFrom('a', 't', 'h', 'i', 'n', 'k', '答', '😀', ' ', '<', '>', '/', '\n'), { maxLength: 12 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(answer, fc.string({ maxLength: 8 }), answer, fc.array(fc.nat(), { maxLength: 10 }), (before, thought, after, offsets) => {
        const text = `${before}<think>${thought.replaceAll('</think>', '')}</think>${after}`;
        expect(filtered(cut(text, offsets))).to.equal(filtered([text]));
      }),
      { seed: 20240601, numRuns: 300 },
    );
  });
});
