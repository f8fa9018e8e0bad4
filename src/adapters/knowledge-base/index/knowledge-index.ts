import type { RecalledDoc } from '../../../domain/recall-result.js';
import type { FaqEntry, KbPassage } from '../ingest/blocks.js';
import { isQuestionWord } from '../question-words.js';
import { tokenize } from '../zh-tokenizer.js';
import { FaqMatcher } from './faq-matcher.js';
import type { LexicalIndex } from './lexical-index.js';

export interface SearchOptions {
  /** How many documents and entries to return at most. */
  readonly topK: number;
  /** Only these spaces, plus what declares no space; empty: all. */
  readonly spaces: readonly string[];
}

/**
 * What the embedded knowledge base searches: passages (BM25 over words and
 * bigrams, in typed arrays) and FAQ entries (matched by their best
 * question), ranked together on one 0..1 scale. Immutable: a rebuild makes a
 * new one and swaps it in, so a search never sees half of one.
 */
export class KnowledgeIndex {
  readonly faq: FaqMatcher;

  constructor(
    readonly passages: readonly KbPassage[],
    readonly lexical: LexicalIndex,
    readonly faqs: readonly FaqEntry[],
    /** Documents (not passages) it holds. */
    readonly documents: number,
  ) {
    this.faq = new FaqMatcher(faqs);
  }

  /**
   * The best documents and FAQ entries for `query`, each once. A document's
   * score is the share of the question's topic words (IDF-weighted) its best
   * passage contains, and lower-ranked documents get that times their BM25
   * relative to the best, so scores fall with rank; an entry's score is its
   * best question's similarity to the user's (see `FaqMatcher`).
   */
  search(query: string, options: SearchOptions): RecalledDoc[] {
    const spaces = new Set(options.spaces);
    const inSpace = (space: string) => spaces.size === 0 || space === '' || spaces.has(space);
    const found: RecalledDoc[] = [];
    for (const m of this.faq.match(query, options.topK, (e) => inSpace((this.faqs[e] as FaqEntry).spaceId ?? ''))) {
      const entry = this.faqs[m.entry] as FaqEntry;
      found.push({
        docId: entry.id,
        spaceId: entry.spaceId ?? '',
        title: entry.question,
        url: entry.url ?? '',
        score: round(m.score),
        content: entry.answer,
        kind: 'faq',
        answer: entry.answer,
        matchedQuestion: m.question,
        ...(m.swapsWord ? { swapsWord: true } : {}),
        foundBy: 'lexical',
      });
    }
    found.push(...this.searchPassages(query, options, inSpace));
    return found.sort((a, b) => b.score - a.score).slice(0, options.topK);
  }

  private searchPassages(query: string, options: SearchOptions, inSpace: (space: string) => boolean): RecalledDoc[] {
    const lexical = this.lexical;
    if (lexical.passageCount === 0) return [];
    const terms = [...new Set(tokenize(query))];
    // Question words (怎么, 什么) say nothing about the topic, and a bigram spelling exactly a word
    // of the query walks the same postings as the word again: neither is looked up.
    const words = new Set(terms.filter((t) => t.startsWith('w:')).map((t) => t.slice(2)));
    const topical = terms.filter((t) => !isQuestionWord(t) && !(t.startsWith('b:') && words.has(t.slice(2))));
    const ids = (topical.length > 0 ? topical : terms).map((t) => lexical.termId(t)).filter((id) => id >= 0);
    const lookedUp = this.informative([...new Set(ids)]);
    const hits = lexical.search(lookedUp, Math.max(options.topK * 8, 32), (p) => inSpace((this.passages[p] as KbPassage).spaceId));
    const best = hits[0];
    if (!best) return [];
    const scale = this.coverage(query, terms, best.passage, new Set(lookedUp)) / best.score;
    const out: RecalledDoc[] = [];
    const seen = new Set<string>();
    for (const hit of hits) {
      const p = this.passages[hit.passage] as KbPassage;
      if (seen.has(p.docId)) continue;
      seen.add(p.docId);
      const score = round(Math.min(1, hit.score * scale));
      out.push({
        docId: p.docId,
        spaceId: p.spaceId,
        title: p.title,
        url: p.url,
        score,
        content: p.text,
        kind: 'passage',
        headingPath: p.headingPath,
        ...(p.page !== undefined ? { page: p.page } : {}),
        foundBy: 'lexical',
      });
      if (out.length >= options.topK) break;
    }
    return out;
  }

  /**
   * The distinct query terms worth looking up: a term in over 3% of all
   * passages (的, 是, common bigrams) walks a long posting list for little
   * ranking weight. Terms in at most 20 passages are always kept, so small
   * folders keep every term; when nothing rare is left, the common ones rank.
   */
  private informative(ids: readonly number[]): number[] {
    const limit = Math.max(20, 0.03 * this.lexical.passageCount);
    const kept = ids.filter((id) => this.lexical.df(id) <= limit);
    return kept.length > 0 ? kept : [...ids];
  }

  /**
   * IDF-weighted share of the query's topic words the passage contains; a
   * word it segments differently still counts when all of its bigrams are
   * there. Terms too common to be looked up are not judged; unknown ones are
   * missing. A run of single characters is judged by its bigrams: the
   * segmenter cuts a name its dictionary lacks (于齐 → 于|齐) into characters,
   * each too common to judge, which left a question about that name with
   * nothing judged and a score of 0 even when its page ranked first.
   */
  private coverage(query: string, terms: readonly string[], passage: number, lookedUp: ReadonlySet<number>): number {
    const lexical = this.lexical;
    const judged = terms.filter((t) => {
      const id = lexical.termId(t);
      return id < 0 || lookedUp.has(id);
    });
    const judgedSet = new Set(judged);
    const topical = topicTerms(query, (bigram) => lexical.termId(bigram) >= 0).filter((t) => t.startsWith('b:') || judgedSet.has(t) || lexical.termId(t) < 0);
    let total = 0;
    let found = 0;
    for (const term of topical.length > 0 ? topical : judged) {
      const id = lexical.termId(term);
      const idf = lexical.idf(lexical.df(id));
      total += idf;
      if (lexical.contains(id, passage) || this.bigramsIn(term, passage)) found += idf;
    }
    return total > 0 ? found / total : 0;
  }

  private bigramsIn(term: string, passage: number): boolean {
    const chars = Array.from(term.slice(2));
    if (!term.startsWith('w:') || chars.length < 2) return false;
    for (let i = 0; i + 1 < chars.length; i++) if (!this.lexical.contains(this.lexical.termId(`b:${chars[i]}${chars[i + 1]}`), passage)) return false;
    return true;
  }
}

/**
 * The terms that say what a query is about: the segmenter's words, question
 * words left out; a run of two or more adjacent single CJK characters stands
 * for the bigrams of it the index knows (`张|世|昌|出|名` → 张世, 世昌, 出名…),
 * or, when it knows none, for the run as one unknown word.
 */
function topicTerms(query: string, known: (bigram: string) => boolean): string[] {
  const out = new Set<string>();
  let run: string[] = [];
  const flush = () => {
    if (run.length === 1) out.add(`w:${run[0]}`);
    if (run.length > 1) {
      const pairs = run.slice(1).map((ch, i) => `b:${run[i]}${ch}`).filter(known);
      for (const pair of pairs.length > 0 ? pairs : [`w:${run.join('')}`]) out.add(pair);
    }
    run = [];
  };
  for (const { segment, isWordLike } of SEGMENTER.segment(query.toLowerCase())) {
    if (!isWordLike || isQuestionWord(`w:${segment}`)) flush();
    else if (SINGLE_HAN.test(segment)) run.push(segment);
    else {
      flush();
      out.add(`w:${segment}`);
    }
  }
  flush();
  return [...out];
}

const SEGMENTER = new Intl.Segmenter('zh', { granularity: 'word' });
const SINGLE_HAN = /^\p{Script=Han}$/u;

const round = (score: number) => Math.round(score * 1e6) / 1e6;
