import { expect } from 'chai';
import fc from 'fast-check';
import { ThinkBlockFilter } from '../../src/adapters/llm/think-block-filter.js';

/** Feeds `pieces` through a fresh filter and joins what comes out. */
function filtered(pieces: readonly string[], options: { startsInThink?: boolean } = {}): string {
  const filter = new ThinkBlockFilter(options);
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

  describe('when the model template opens the block (startsInThink)', () => {
    const opened = { startsInThink: true };

    it('then the reasoning up to the lone </think> and the blank lines after it are dropped', () => {
      expect(filtered(['嗯，用户问的是', '回调地址。</think>\n\n', '在后台配置。'], opened)).to.equal('在后台配置。');
    });

    it('then nothing is sent before </think> arrives', () => {
      const filter = new ThinkBlockFilter(opened);
      expect(filter.push('先想一想')).to.equal('');
      expect(filter.push('</thi')).to.equal('');
      expect(filter.push('nk>答案')).to.equal('答案');
    });

    it('then, when no </think> ever comes, the whole text is the answer, sent at the end', () => {
      const filter = new ThinkBlockFilter(opened);
      expect(filter.push('直接回答：')).to.equal('');
      expect(filter.push('在后台配置。')).to.equal('');
      expect(filter.flush()).to.equal('直接回答：在后台配置。');
    });

    it('then a later, explicit <think> block in the answer is still dropped', () => {
      expect(filtered(['推理</think>答：', '<think>再想</think>', '好的'], opened)).to.equal('答：好的');
    });

    it('then the same text cut anywhere gives the same answer', () => {
      const text = '推理中 < / > 😀</think>\n答：a<b 😀';
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 10 }), (offsets) => {
          expect(filtered(cut(text, offsets), opened)).to.equal('答：a<b 😀');
        }),
        { seed: 20261123, numRuns: 200 },
      );
    });
  });
});
