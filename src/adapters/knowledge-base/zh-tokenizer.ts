import { foldWording } from './wording.js';

/**
 * Tokenizer for Chinese, English and mixed text, used both to index and to
 * query (and by the extractive model to match sentences).
 *
 * Most search libraries split on spaces, which finds nothing in unsegmented
 * Chinese. Two views of the text are combined, each in its own term space so
 * a word and a bigram spelled alike never share statistics:
 * - `w:` words from `Intl.Segmenter('zh', {granularity:'word'})` (ICU's
 *   dictionary), keeping only segments with a letter or digit;
 * - `b:` overlapping character bigrams over each run of CJK characters (a
 *   lone CJK character becomes a unigram), which catch words the dictionary
 *   splits differently in the question and the document.
 * Everything is lowercased. Measured on the shared CMRC set: recall@1 0.98
 * for word+bigram against 0.977 (words) and 0.966 (bigrams) alone.
 */
export function tokenize(text: string): string[] {
  return tokenizeNormalized(normalizeForTerms(text));
}

/** The text as the tokenizer reads it: lowercased, users' variant spellings folded (`foldWording`). */
export function normalizeForTerms(text: string): string {
  return foldWording(text.toLowerCase());
}

/** `tokenize` for text already passed through `normalizeForTerms`, for callers that need the normalized text too (folding twice costs as much as tokenizing). */
export function tokenizeNormalized(lower: string): string[] {
  const terms: string[] = [];
  for (const { segment } of WORDS.segment(lower)) {
    if (!WORDLIKE.test(segment)) continue;
    terms.push(`w:${segment}`);
    // Identifiers and host names stay whole above and are also split, so "deepseek" finds
    // "api.deepseek.com" and "deadline" finds "chat_deadline_ms".
    if (JOINER.test(segment)) for (const part of segment.split(JOINER)) if (part) terms.push(`w:${part}`);
  }
  for (const run of lower.match(CJK_RUN) ?? []) {
    const chars = Array.from(run);
    if (chars.length === 1) terms.push(`b:${run}`);
    for (let i = 0; i + 1 < chars.length; i++) terms.push(`b:${chars[i]}${chars[i + 1]}`);
  }
  return terms;
}

/** The distinct terms of `text`, for overlap measures. */
export function termSet(text: string): Set<string> {
  return new Set(tokenize(text));
}

const WORDS = new Intl.Segmenter('zh', { granularity: 'word' });
const WORDLIKE = /[\p{L}\p{N}]/u;
const JOINER = /[._]+/;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
