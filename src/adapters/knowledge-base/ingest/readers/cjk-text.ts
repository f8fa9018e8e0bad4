/**
 * Joining text that a producer wrapped: Chinese has no spaces between words,
 * so a line break (in a PDF, an HTML source, a hard-wrapped text file) inside
 * a Chinese sentence must vanish, while one between Latin words is a space.
 */

// Han, kana, hangul, CJK punctuation and full-width forms.
const CJK = /[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/u;

export function isCjk(char: string | undefined): boolean {
  return char !== undefined && CJK.test(char);
}

/** `a` and `b` as one line: no space when either side of the break is CJK. */
export function joinWrapped(a: string, b: string): string {
  const left = a.trimEnd();
  const right = b.trimStart();
  if (!left) return right;
  if (!right) return left;
  if (isCjk(left.at(-1)) || isCjk(right[0])) return left + right;
  // A word hyphenated at the end of a line ("config-" / "uration") is one word.
  if (/[a-z]-$/.test(left) && /^[a-z]/.test(right)) return left.slice(0, -1) + right;
  return `${left} ${right}`;
}

const SENTENCE_END = /[。！？!?；;：:…]$|[.]$/u;
const LIST_START = /^(?:[-*•·●▪]|\d{1,3}[.)、]|[（(]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}、)\s*/u;

/**
 * Lines of one paragraph as a producer wrapped them: a line that ends a
 * sentence, or a next line that starts a list item, keeps its break; any
 * other break is a wrap and is joined with `joinWrapped`.
 */
export function joinLines(lines: readonly string[]): string {
  let text = '';
  for (const line of lines) {
    const next = line.trim();
    if (!next) continue;
    text = text && (SENTENCE_END.test(text) || LIST_START.test(next)) ? `${text}\n${next}` : joinWrapped(text, next);
  }
  return text;
}

/**
 * HTML white space: runs collapse to one space, except that a run holding a
 * line break between two CJK characters disappears (CSS Text's segment break
 * rule), so a wiki source wrapped mid-sentence is not broken by a space.
 * `\n` stays a line break only when it came from a `<br>` (passed as U+2028).
 */
export function collapseHtmlWhitespace(raw: string): string {
  const collapsed = raw.replace(/[ \t\r\n\f\u00a0]+/g, (run, offset: number, all: string) => {
    if (run.includes('\n') && isCjk(all[offset - 1]) && isCjk(all[offset + run.length])) return '';
    return ' ';
  });
  return collapsed
    .replace(/ ?\u2028 ?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
