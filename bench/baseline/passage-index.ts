/**
 * The embedded index as it was before the persisted one (minisearch, in
 * memory, rebuilt at every start): kept only as the baseline `bench:kb`
 * measures in the same run. The service does not use it.
 */
import { setImmediate } from 'node:timers/promises';
import MiniSearch, { type SearchResult } from 'minisearch';
import type { RecalledDoc } from '../../src/domain/recall-result.js';
import type { KbDocument, Passage } from './kb-document.js';
import { splitIntoPassages } from './passage-splitter.js';
import { isQuestionWord } from '../../src/adapters/knowledge-base/question-words.js';
import { tokenize } from '../../src/adapters/knowledge-base/zh-tokenizer.js';

export interface SearchOptions {
  /** How many documents to return at most. */
  readonly topK: number;
  /** Documents scoring below this (0..1) are left out. */
  readonly minScore: number;
  /** Only documents of these spaces, plus documents that declare no space; empty: all. */
  readonly spaces: readonly string[];
}

/**
 * An immutable BM25 index (minisearch) over the passages of a set of
 * documents. Built once, then only read: a rebuild makes a new one, so a
 * search never sees a half-built index.
 */
export class PassageIndex {
  private constructor(
    private readonly search_: MiniSearch<IndexedPassage>,
    private readonly passages: readonly Passage[],
    private readonly docFrequency: ReadonlyMap<string, number>,
    /** How many documents it holds. */
    readonly documents: number,
  ) {}

  /**
   * Builds an index. Tokenizing and indexing yield to the event loop every
   * few hundred passages, so calls keep being served while a large folder is
   * (re)indexed.
   */
  static async build(
    docs: readonly KbDocument[],
    passageChars: number,
    onProblem: (source: string, reason: string) => void = () => undefined,
  ): Promise<PassageIndex> {
    const passages: Passage[] = [];
    for (const [i, doc] of docs.entries()) {
      // One document that cannot be cut (whatever the reason) is skipped; the others are still indexed.
      try {
        for (const p of splitIntoPassages(doc, passageChars)) passages.push(p);
      } catch (error) {
        onProblem(doc.source, `could not be split into passages: ${(error as Error).message}`);
      }
      if (i % 50 === 49) await setImmediate();
    }
    const docFrequency = new Map<string, number>();
    const indexed: IndexedPassage[] = [];
    for (const [id, p] of passages.entries()) {
      if (id % CHUNK === CHUNK - 1) await setImmediate();
      const title = tokenize(p.doc.title);
      const text = tokenize(p.text);
      for (const term of new Set([...title, ...text])) docFrequency.set(term, (docFrequency.get(term) ?? 0) + 1);
      indexed.push({ id, title: title.map(keyOf).join(SEP), text: text.map(keyOf).join(SEP) });
    }
    const search = new MiniSearch<IndexedPassage>({
      fields: ['title', 'text'],
      // The fields are already tokenized (and lowercased) above, once.
      tokenize: splitTerms,
      processTerm: (term) => term,
      searchOptions: { processTerm: (term) => term, combineWith: 'OR', prefix: false, fuzzy: false, boost: { title: 2 } },
    });
    await search.addAllAsync(indexed, { chunkSize: CHUNK });
    return new PassageIndex(search, passages, docFrequency, docs.length);
  }

  /** How many passages it ranks. */
  get passageCount(): number {
    return this.passages.length;
  }

  /**
   * The best documents for `query`, each once, with its best passage as
   * `content`. Score (0..1): the share of the question's terms, weighted by
   * rarity (IDF), that the best passage contains; the other documents get
   * that times their BM25 score relative to the best, so scores fall with rank.
   */
  search(query: string, options: SearchOptions): RecalledDoc[] {
    const spaces = new Set(options.spaces);
    const filter =
      spaces.size === 0
        ? undefined
        : (r: SearchResult) => {
            const space = this.passage(r).doc.spaceId;
            return space === '' || spaces.has(space);
          };
    const terms = [...new Set(tokenize(query))];
    // Question words (怎么, 什么, how) say nothing about the topic, yet in a small folder they are
    // rare enough to outrank it: a page that happens to say 怎么 beat the page about DeepSeek.
    // A bigram spelling exactly a word of the query (b:截止 beside w:截止) walks the same postings
    // again and counts that word twice; bigrams stay for longer words the index may split differently.
    const words = new Set(terms.filter((t) => t.startsWith('w:')).map((t) => t.slice(2)));
    const topical = terms.filter((t) => !isQuestionWord(t) && !(t.startsWith('b:') && words.has(t.slice(2))));
    const lookedUp = this.informative(topical.length > 0 ? topical : terms);
    const results = this.search_.search(lookedUp.map(keyOf).join(SEP), { tokenize: splitTerms, ...(filter ? { filter } : {}) });
    const best = results[0];
    if (!best) return [];
    // Terms too common to look up say nothing about coverage either; unknown terms count as missing.
    const judged = terms.filter((t) => lookedUp.includes(t) || !this.docFrequency.has(t));
    const scale = this.coverage(judged, new Set(best.queryTerms.map(termOf))) / best.score;
    const found: RecalledDoc[] = [];
    const seen = new Set<string>();
    for (const result of results) {
      const { doc, text } = this.passage(result);
      if (seen.has(doc.docId)) continue;
      seen.add(doc.docId);
      const score = Math.round(Math.min(1, result.score * scale) * 1e6) / 1e6;
      if (score < options.minScore) break;
      found.push({ docId: doc.docId, spaceId: doc.spaceId, title: doc.title, url: doc.url, score, content: text });
      if (found.length >= options.topK) break;
    }
    return found;
  }

  /**
   * The distinct query terms worth looking up. A term found in over 3% of
   * all passages (的, 是, common bigrams) walks a long posting list for little
   * ranking weight, and every passage it touches costs minisearch a result
   * object. On the shared CMRC set (948 passages) skipping them cut query p99
   * from ~5 ms to ~1.3 ms (the tail was garbage collection of those objects)
   * for -0.1 pt of recall@1 and no loss of recall@5. Terms found in at most
   * MIN_PRUNE_DF passages are always kept, so small folders keep every term.
   */
  private informative(distinct: readonly string[]): string[] {
    const limit = Math.max(MIN_PRUNE_DF, COMMON_TERM_SHARE * this.passages.length);
    const kept = distinct.filter((t) => {
      const df = this.docFrequency.get(t) ?? 0;
      return df > 0 && df <= limit;
    });
    // Nothing rare enough that occurs at all: rank by the common terms rather than by nothing.
    return kept.length > 0 ? kept : [...distinct];
  }

  private passage(result: SearchResult): Passage {
    return this.passages[result.id as number] as Passage;
  }

  /**
   * IDF-weighted share of the query's topic words found in the result. Words,
   * not bigrams, are counted (a bigram straddling two words is noise here);
   * a word the passage segments differently still counts when all of its
   * bigrams matched. Question words are left out, unless nothing else is left.
   */
  private coverage(terms: readonly string[], matched: ReadonlySet<string>): number {
    const n = this.passages.length;
    const all = [...new Set(terms)];
    const topical = all.filter((t) => t.startsWith('w:') && !isQuestionWord(t));
    let total = 0;
    let found = 0;
    for (const term of topical.length > 0 ? topical : all) {
      const df = this.docFrequency.get(term) ?? 0;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      total += idf;
      if (matched.has(term) || bigramsMatched(term, matched)) found += idf;
    }
    return total > 0 ? found / total : 0;
  }
}

/** Whether every bigram of a CJK word (`w:回调地址` → `b:回调`, `b:调地`, `b:地址`) matched. */
function bigramsMatched(term: string, matched: ReadonlySet<string>): boolean {
  const chars = Array.from(term.slice(2));
  if (!term.startsWith('w:') || chars.length < 2) return false;
  for (let i = 0; i + 1 < chars.length; i++) if (!matched.has(`b:${chars[i]}${chars[i + 1]}`)) return false;
  return true;
}

interface IndexedPassage {
  readonly id: number;
  readonly title: string;
  readonly text: string;
}

const SEP = '\n';
/**
 * How a term is spelled for minisearch: each UTF-16 unit as 4 hex digits.
 * minisearch keeps its terms in a radix tree whose nodes scan their children
 * one by one; spelled as they are, the CJK terms put thousands of children
 * (one per first character) under a single node, and indexing the 948
 * passages of the shared set took 5 s of scanning. In hex no node has more
 * than 16 children. Prefix and fuzzy search are off, so only equality of
 * keys matters, and the spelling is reversible (`termOf`).
 */
export function keyOf(term: string): string {
  let key = '';
  for (let i = 0; i < term.length; i++) {
    const unit = term.charCodeAt(i);
    key += (HEX[unit >> 8] as string) + (HEX[unit & 0xff] as string);
  }
  return key;
}

/** The term a `keyOf` key spells. */
export function termOf(key: string): string {
  let term = '';
  for (let i = 0; i + 4 <= key.length; i += 4) term += String.fromCharCode(Number.parseInt(key.slice(i, i + 4), 16));
  return term;
}

const HEX = Array.from({ length: 0x100 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Terms are tokenized once, by `tokenize`, and handed to minisearch joined by SEP. */
const splitTerms = (joined: string): string[] => (joined ? joined.split(SEP) : []);
const CHUNK = 200;
/** Query terms found in more than this share of passages (and more than MIN_PRUNE_DF) are skipped (see `informative`). */
const COMMON_TERM_SHARE = 0.03;
const MIN_PRUNE_DF = 20;
