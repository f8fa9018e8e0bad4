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
  return Array.from(GRAPHEMES.segment(text), (s) => s.segment);
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
