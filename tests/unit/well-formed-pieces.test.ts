import { expect } from 'chai';
import { graphemes, ONE_UNIT_EACH, WellFormedPieces } from '../../src/application/well-formed-pieces.js';

const SEGMENTER = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const bySegmenter = (text: string) => Array.from(SEGMENTER.segment(text), (s) => s.segment);

/** Every BMP character the fast path takes, once each, in code point order. */
function fastPathCharacters(): string {
  let all = '';
  for (let code = 0; code <= 0xffff; code += 1) {
    const c = String.fromCharCode(code);
    if (ONE_UNIT_EACH.test(c)) all += c;
  }
  return all;
}

describe('graphemes (answers cut into user-perceived characters)', () => {
  it('when text holds every character of the fast path, in order and reversed, then the segmenter cuts it into single characters too', () => {
    // A character that joins its neighbour (a combining mark, a prepend, CR before LF) would glue to one of them here.
    const all = fastPathCharacters();
    expect(all.length).to.be.greaterThan(21_000);
    for (const text of [all, [...all].reverse().join(''), `${all}\n${all}`]) {
      expect(bySegmenter(text).length).to.equal(text.length);
      expect(graphemes(text)).to.deep.equal(bySegmenter(text));
    }
  });

  for (const [name, text] of [
    ['Chinese with fullwidth punctuation', '您好！您的问题是：「怎么配置回调地址？」。'],
    ['CR LF', '第一行\r\n第二行'],
    ['emoji with a skin tone and a ZWJ family', '好👍🏽👨‍👩‍👧!'],
    ['a combining accent', 'cafe\u0301 ok'],
    ['Hangul jamo', '\u1100\u1161\u11a8 한국'],
    ['a CJK tone mark (a combining mark inside the CJK punctuation block)', '一\u302a二'],
    ['halfwidth katakana with its voiced mark', 'ｶﾞ'],
    ['flags (regional indicators)', '🇨🇳🇺🇸'],
    ['a lone surrogate', 'a\ud800b'],
    ['empty text', ''],
  ] as const) {
    it(`when the text is ${name}, then it is cut exactly as the segmenter cuts it`, () => {
      expect(graphemes(text)).to.deep.equal(bySegmenter(text));
    });
  }

  it('when an emoji sequence is in the text, then it stays one piece', () => {
    expect(graphemes('好👨‍👩‍👧')).to.deep.equal(['好', '👨‍👩‍👧']);
  });
});

describe('WellFormedPieces', () => {
  it('when a surrogate pair is split across pieces, then the high half waits for the low one', () => {
    const pieces = new WellFormedPieces();
    expect(pieces.push('a\ud83d')).to.equal('a');
    expect(pieces.push('\udc4db')).to.equal('👍b');
    expect(pieces.flush()).to.equal('');
  });

  it('when the source ends on a lone high surrogate, then flush gives U+FFFD', () => {
    const pieces = new WellFormedPieces();
    expect(pieces.push('x\ud83d')).to.equal('x');
    expect(pieces.flush()).to.equal('\ufffd');
  });
});
