import type { FoundBy, RecalledDoc } from '../../../domain/recall-result.js';
import type { KbPassage } from '../ingest/blocks.js';
import type { KnowledgeIndex, SearchOptions } from '../index/knowledge-index.js';
import type { EmbedItem } from './embed-items.js';
import { reciprocalRankFusion } from './fusion.js';
import type { SemanticRetrieval } from './semantic-retrieval.js';

/** How fused results are weighed (`FUSION_WEIGHTS`, `FUSION_RRF_K`). */
export interface FusionSettings {
  readonly lexicalWeight: number;
  readonly vectorWeight: number;
  readonly k: number;
}

/**
 * What an index's vectors are made of: one item per passage (`p<i>`, its
 * heading path and text) and one per FAQ question (`f<entry>.<question>`),
 * standard and similar alike, so an entry is found by its best wording in
 * vector space too. Keys are positions in this index generation.
 */
export function vectorItems(index: KnowledgeIndex): EmbedItem[] {
  const items: EmbedItem[] = index.passages.map((p, i) => ({ key: `p${i}`, text: `${p.headingPath.join(' › ')}\n${p.text}` }));
  for (const [e, entry] of index.faqs.entries()) {
    [entry.question, ...entry.similar].forEach((q, k) => items.push({ key: `f${e}.${k}`, text: q }));
  }
  return items;
}

/**
 * Lexical and vector retrieval fused: the question is embedded while the
 * lexical index is searched; both ranked lists (documents and FAQ entries,
 * each once) are merged by reciprocal rank fusion; the reranker, when there
 * is one, reorders the top and its score becomes the score (the thresholds
 * then read the reranker's scale). Without a vector a turn is lexical only;
 * a failing model degrades the turn, it never fails it.
 */
export async function hybridSearch(
  index: KnowledgeIndex,
  semantic: SemanticRetrieval,
  fusion: FusionSettings,
  query: string,
  options: SearchOptions,
  signal: AbortSignal,
): Promise<RecalledDoc[]> {
  const vector = semantic.embedQuery(query, signal);
  const wide = { ...options, topK: Math.max(options.topK * 4, 20) };
  const lexical = index.search(query, wide);
  const queryVector = await vector;
  const spaces = new Set(options.spaces);
  const inSpace = (space: string | undefined) => spaces.size === 0 || !space || spaces.has(space);
  const byId = new Map<string, RecalledDoc>();
  for (const d of lexical) byId.set(idOf(d), d);
  const vectorList: { id: string; score: number }[] = [];
  if (queryVector) {
    const hits = semantic.searchVectors(queryVector, wide.topK * 2, (key) => inSpace(spaceOf(index, key)));
    for (const hit of hits) {
      const doc = docOf(index, hit.key, hit.score);
      if (!doc) continue;
      const id = idOf(doc);
      if (vectorList.some((c) => c.id === id)) continue; // a document or entry once, by its best passage or question
      vectorList.push({ id, score: doc.score });
      const seen = byId.get(id);
      byId.set(id, seen && seen.score >= doc.score ? seen : { ...doc, ...(seen && seen.kind !== 'faq' ? { content: seen.content } : {}) });
    }
  }
  const fused = reciprocalRankFusion(
    [
      { name: 'lexical', weight: fusion.lexicalWeight, candidates: lexical.map((d) => ({ id: idOf(d), score: d.score })) },
      { name: 'vector', weight: fusion.vectorWeight, candidates: vectorList },
    ],
    fusion.k,
  );
  let ranked = fused.map((f): RecalledDoc => ({ ...(byId.get(f.id) as RecalledDoc), foundBy: foundBy(f.sources) }));
  const reranked = await semantic.rerank(query, ranked.map((d) => ({ id: idOf(d), text: d.kind === 'faq' ? d.title : d.content })), undefined, signal);
  if (reranked) {
    const fusedById = new Map(ranked.map((d) => [idOf(d), d]));
    const scored = reranked.map((r) => ({ ...(fusedById.get(r.id) as RecalledDoc), score: Math.round(r.score * 1e6) / 1e6, reranked: true }));
    const done = new Set(reranked.map((r) => r.id));
    ranked = [...scored, ...ranked.filter((d) => !done.has(idOf(d))).map((d) => ({ ...d, score: Math.min(d.score, scored.at(-1)?.score ?? 0) }))];
  }
  return ranked.slice(0, options.topK);
}

function foundBy(sources: Readonly<Record<string, unknown>>): FoundBy {
  if (sources.lexical && sources.vector) return 'both';
  return sources.vector ? 'vector' : 'lexical';
}

const idOf = (d: RecalledDoc) => `${d.kind === 'faq' ? 'faq' : 'doc'}:${d.docId}`;

function spaceOf(index: KnowledgeIndex, key: string): string | undefined {
  if (key.startsWith('p')) return index.passages[Number(key.slice(1))]?.spaceId;
  return index.faqs[Number(key.slice(1, key.indexOf('.')))]?.spaceId;
}

/** The recalled doc a vector hit stands for, scored by its cosine (0..1). */
function docOf(index: KnowledgeIndex, key: string, cosine: number): RecalledDoc | undefined {
  const score = Math.round(Math.max(0, Math.min(1, cosine)) * 1e6) / 1e6;
  if (key.startsWith('p')) {
    const p: KbPassage | undefined = index.passages[Number(key.slice(1))];
    if (!p) return undefined;
    return { docId: p.docId, spaceId: p.spaceId, title: p.title, url: p.url, score, content: p.text, kind: 'passage', headingPath: p.headingPath, ...(p.page !== undefined ? { page: p.page } : {}) };
  }
  const dot = key.indexOf('.');
  const entry = index.faqs[Number(key.slice(1, dot))];
  if (!entry) return undefined;
  const question = [entry.question, ...entry.similar][Number(key.slice(dot + 1))] ?? entry.question;
  return { docId: entry.id, spaceId: entry.spaceId ?? '', title: entry.question, url: entry.url ?? '', score, content: entry.answer, kind: 'faq', answer: entry.answer, matchedQuestion: question };
}
