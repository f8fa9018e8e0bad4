import type { RecallResult, RecalledDoc } from '../domain/recall-result.js';

/**
 * `recall` when the knowledge covers the question — its best document scores
 * at least `minScore` (`KB_MIN_SCORE`, or the reranker's own) — and without
 * documents otherwise. Lexical candidates below the best stay whatever their
 * score: theirs is their rank's share of the best one's, not a measure of
 * their own, and they are what a model needs to choose from when the best is
 * not quite the question (on the shared FAQ set, hit@5 0.424 with them against
 * 0.405 cut at the threshold). A reranked document's score is the reranker's
 * judgement of that document alone, so one below the threshold is left out.
 */
export function relevantOnly(recall: RecallResult, minScore: number): RecallResult {
  if (recall.docs.length === 0) return recall;
  if (Math.max(...recall.docs.map((d) => d.score)) < minScore) return { ...recall, docs: [] };
  const kept = recall.docs.filter((d) => !d.reranked || d.score >= minScore);
  return kept.length === recall.docs.length ? recall : { ...recall, docs: kept };
}

/**
 * The FAQ entry to answer directly, if one is clearly right: the best FAQ
 * entry of `docs`, with a stored answer, scoring at least `score` (and
 * `minScore`) and at least `margin` above the next entry (0 when it is
 * alone). Entries are compared with entries only: a passage's score measures
 * something else (how much of the question a page covers, which a manual
 * about the same topic easily reaches in full), and an IT desk that keeps
 * both an FAQ and its manuals must still get its FAQ answered directly.
 * The runner-up is taken from everything the knowledge base returned, also
 * below `KB_MIN_SCORE`. An entry whose wording swaps one of the user's topic
 * words for another (`swapsWord`) is never answered directly: that is how
 * near-identical questions about different things look (on the shared FAQ
 * set, a question about one product matched the same question about another
 * product, one character apart, at 0.99).
 */
export function directFaqEntry(
  docs: readonly RecalledDoc[],
  thresholds: { readonly score: number; readonly margin: number } | undefined,
  minScore = 0,
): RecalledDoc | undefined {
  if (!thresholds || docs.length === 0) return undefined;
  let best: RecalledDoc | undefined;
  let second = 0;
  for (const doc of docs) {
    if (doc.kind !== 'faq') continue;
    if (!best || doc.score > best.score) {
      if (best) second = Math.max(second, best.score);
      best = doc;
    } else {
      second = Math.max(second, doc.score);
    }
  }
  if (!best || !storedAnswer(best) || best.swapsWord) return undefined;
  if (best.score < Math.max(thresholds.score, minScore) || best.score - second < thresholds.margin) return undefined;
  return best;
}

/** An FAQ entry's stored answer: `answer`, or its `content` when the adapter put it there only. */
export function storedAnswer(doc: RecalledDoc): string {
  return doc.answer ?? doc.content;
}

/** An entry's stored answer in pieces, as a source the turn streams like a model's answer. */
export async function* storedAnswerSource(entry: RecalledDoc): AsyncGenerator<string> {
  yield* answerPieces(storedAnswer(entry));
}

/**
 * Cuts a stored answer into a few pieces at sentence or line ends, so it
 * streams like any answer; joined, the pieces are exactly `text`. A piece is
 * at least `minChars` long unless it is the last.
 */
export function answerPieces(text: string, minChars = 24): string[] {
  const pieces: string[] = [];
  let piece = '';
  for (const sentence of text.match(SENTENCE) ?? []) {
    piece += sentence;
    if (piece.length >= minChars) {
      pieces.push(piece);
      piece = '';
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/** A run of text up to and including its sentence-ending punctuation or line break (and the spaces after it). */
const SENTENCE = /[^。！？!?；;\n]*(?:[。！？!?；;\n]+\s*|$)/gu;
