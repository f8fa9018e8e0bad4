/**
 * Re-joins text that arrives in pieces so no piece ends in half a character:
 * a high surrogate at the end of one piece waits for its partner in the next.
 * Lone surrogates (which upstream JSON can carry) become U+FFFD.
 */
export class WellFormedPieces {
  private pending = '';

  push(piece: string): string {
    let text = this.pending + piece;
    this.pending = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      this.pending = text.slice(-1);
      text = text.slice(0, -1);
    }
    return text.toWellFormed();
  }

  /** What is still held back, made well-formed; call once the source ends. */
  flush(): string {
    const text = this.pending.toWellFormed();
    this.pending = '';
    return text;
  }
}

/** Splits text into user-perceived characters (emoji sequences stay whole). */
export function graphemes(text: string): string[] {
  // Called on every answer: the segmenter costs ~0.4 µs a character (an object per segment),
  // a test and a split ~0.02. Only for text the segmenter would cut the same way anyway.
  if (ONE_UNIT_EACH.test(text)) return text.split('');
  return Array.from(GRAPHEMES.segment(text), (s) => s.segment);
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Text made only of characters that are each a grapheme by themselves whatever stands next to
 * them (Unicode's Grapheme_Cluster_Break "Other", or a lone tab or line feed): ASCII, CJK
 * ideographs and the punctuation Chinese text uses. No CR (CR LF is one grapheme), no
 * combining marks (U+302A–302F are left out), no Hangul, emoji, ZWJ or regional indicators.
 * tests/unit/well-formed-pieces.test.ts checks every character here against the segmenter.
 */
export const ONE_UNIT_EACH = /^[\t\n\x20-\x7e\u2010-\u2027\u3000-\u3029\u4e00-\u9fff\uff01-\uff5e]*$/;
