import type { LlmPort, LlmPrompt } from '../../application/ports/llm.port.js';
import type { RecalledDoc } from '../../domain/recall-result.js';
import { isQuestionWord } from '../knowledge-base/question-words.js';
import { tokenize } from '../knowledge-base/zh-tokenizer.js';
import { typeOut } from './typed-pieces.js';

export interface ExtractiveLlmOptions {
  /** Pause before each piece (`EXTRACTIVE_DELAY_MS`), so the answer reads like typing. */
  readonly delayMs: number;
  /** Longest answer, in characters, before the citation (`EXTRACTIVE_MAX_CHARS`). */
  readonly maxChars: number;
}

/**
 * A "model" that needs no key and no network: it answers with the sentences
 * of the recalled passages that best match the question, in their original
 * order, and names the documents it quoted. It never invents anything, and
 * never declines (it writes no `DECLINE_MARKER`); with no documents it yields
 * nothing, so it is never asked without them: the turn sends the no-answer
 * reply instead (`NO_RECALL_ASK_MODEL` does not apply to it).
 */
export class ExtractiveLlm implements LlmPort {
  constructor(private readonly options: ExtractiveLlmOptions) {}

  streamAnswer(prompt: LlmPrompt, signal: AbortSignal): AsyncIterable<string> {
    return typeOut(composeAnswer(prompt.question, prompt.docs, this.options.maxChars), this.options.delayMs, signal);
  }
}

/** The answer text for `question` from `docs` (best first); empty when there are none. */
export function composeAnswer(question: string, docs: readonly RecalledDoc[], maxChars: number): string {
  const top = docs[0];
  if (!top) return '';
  // Quote only documents nearly as relevant as the best one; the rest are still cited by the protocol's `docs`.
  const sources = docs.slice(0, 2).filter((d) => d.score >= top.score * 0.8);
  const units = sources.flatMap((doc, d) => unitsOf(doc.content, d));
  const query = [...new Set(tokenize(question))].filter((t) => !isQuestionWord(t));
  const idf = inverseFrequency(query, units);
  const scored = units.map((u, i) => ({ i, score: overlap(query, u.terms, idf) }));
  const ranked = scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score || a.i - b.i);
  const best = ranked[0]?.score ?? 0;
  const picked = new Set<number>();
  let used = 0;
  const take = (i: number): boolean => {
    const unit = units[i];
    if (!unit || used + unit.text.length > maxChars) return false;
    if (!picked.has(i)) used += unit.text.length;
    picked.add(i);
    return true;
  };
  for (const { i, score } of ranked.length > 0 ? ranked.slice(0, MAX_SENTENCES) : [{ i: 0, score: 0 }]) {
    if (score < best * 0.4 || !take(i)) break;
    // A sentence that introduces a list or a code block ("设置四个变量：") is useless without it.
    if (/[：:]$/.test(units[i]?.text ?? '')) {
      for (let j = i + 1; units[j]?.kind !== 'text' && units[j]?.doc === units[i]?.doc && take(j); j++);
    }
  }
  const chosen = [...picked].sort((a, b) => a - b).map((i) => units[i] as Unit);
  const body = chosen
    .map((u, k) => (k > 0 && chosen[k - 1]?.line === u.line && chosen[k - 1]?.doc === u.doc ? u.text : `\n${u.text}`))
    .join('');
  const cited = [...new Set(chosen.map((u) => sources[u.doc]?.title).filter(Boolean))];
  return `${body.trim()}\n\n（以上内容摘自${cited.map((t) => `《${t}》`).join('、')}）`;
}

interface Unit {
  readonly text: string;
  readonly terms: ReadonlySet<string>;
  /** List items and code lines follow a sentence that introduces them. */
  readonly kind: 'text' | 'list' | 'code';
  /** Which line of which document it came from, so sentences of one line are re-joined without a break. */
  readonly line: number;
  readonly doc: number;
}

/**
 * Sentences of a Markdown passage (a list item or code line is one unit),
 * without headings (the title is cited anyway) and the markup that reads
 * badly in a chat bubble.
 */
function unitsOf(content: string, doc: number): Unit[] {
  const units: Unit[] = [];
  let inCode = false;
  content.split('\n').forEach((raw, line) => {
    if (/^\s*```/.test(raw)) {
      inCode = !inCode;
      return;
    }
    const text = raw.replace(/^\s*>\s?/, '').replace(/\*\*|__/g, '').trim();
    if (!text || (!inCode && /^#{1,6}\s|^\|?\s*:?-{3,}/.test(text))) return;
    const kind = inCode ? 'code' : /^([-*+]|\d+[.)])\s/.test(text) ? 'list' : 'text';
    const sentences = kind === 'text' ? (text.match(SENTENCE) ?? []) : [text];
    for (const sentence of sentences) {
      if (sentence.trim()) units.push({ text: sentence.trim(), terms: new Set(tokenize(sentence)), kind, line, doc });
    }
  });
  return units;
}

function inverseFrequency(terms: readonly string[], units: readonly { terms: ReadonlySet<string> }[]): Map<string, number> {
  const n = units.length;
  return new Map(
    terms.map((t) => {
      const df = units.filter((u) => u.terms.has(t)).length;
      return [t, Math.log(1 + (n + 1) / (df + 0.5))];
    }),
  );
}

function overlap(query: readonly string[], terms: ReadonlySet<string>, idf: ReadonlyMap<string, number>): number {
  return query.reduce((sum, t) => sum + (terms.has(t) ? (idf.get(t) ?? 0) : 0), 0);
}

const SENTENCE = /[^。！？!?；;]+[。！？!?；;]*/gu;
const MAX_SENTENCES = 3;
