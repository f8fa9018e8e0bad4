/** A candidate proposed by one source (lexical, vector, …), with that source's own score. */
export interface RankedCandidate {
  readonly id: string;
  readonly score: number;
}

/** One source's list, best first, and how much its ranks count. */
export interface FusionSource {
  readonly name: string;
  readonly weight: number;
  readonly candidates: readonly RankedCandidate[];
}

/** Where a fused candidate stood in one source: 1-based rank and that source's score. */
export interface SourceStanding {
  readonly rank: number;
  readonly score: number;
}

export interface FusedCandidate {
  readonly id: string;
  /** Σ weight / (k + rank) over the sources that proposed it. */
  readonly score: number;
  /** By source name; a source that did not propose it is absent — so a turn record can say "lexical", "vector" or both. */
  readonly sources: Readonly<Record<string, SourceStanding>>;
}

/**
 * Reciprocal rank fusion (Cormack et al., 2009): only ranks count, so
 * sources whose scores live on different scales (BM25, cosine) merge
 * without calibration. A source that failed this turn is simply left out.
 * Ties go to the candidate with the better best rank, then by id, so the
 * order is deterministic.
 */
export function reciprocalRankFusion(sources: readonly FusionSource[], k = 60): FusedCandidate[] {
  if (!(k >= 0) || !Number.isFinite(k)) throw new RangeError(`RRF k must be a finite number ≥ 0, got ${k}`);
  const fused = new Map<string, { score: number; bestRank: number; sources: Record<string, SourceStanding> }>();
  for (const source of sources) {
    if (!(source.weight >= 0) || !Number.isFinite(source.weight)) throw new RangeError(`weight of ${source.name} must be a finite number ≥ 0, got ${source.weight}`);
    let rank = 0;
    const seen = new Set<string>();
    for (const candidate of source.candidates) {
      // A list naming the same id twice counts its best place only.
      if (seen.has(candidate.id)) continue;
      seen.add(candidate.id);
      rank++;
      const entry = fused.get(candidate.id) ?? { score: 0, bestRank: Infinity, sources: {} };
      entry.score += source.weight / (k + rank);
      entry.bestRank = Math.min(entry.bestRank, rank);
      entry.sources[source.name] = { rank, score: candidate.score };
      fused.set(candidate.id, entry);
    }
  }
  return [...fused]
    .sort(([idA, a], [idB, b]) => b.score - a.score || a.bestRank - b.bestRank || (idA < idB ? -1 : idA > idB ? 1 : 0))
    .map(([id, { score, sources }]) => ({ id, score, sources }));
}

/** An FAQ entry's vector score: its best-matching question (standard or similar). */
export interface FaqVectorCandidate extends RankedCandidate {
  /** The key of the question that matched best. */
  readonly matchedQuestion: string;
}

/**
 * Folds question-level vector hits into entry-level candidates: an entry
 * scores the max over its questions, best entry first. Hits whose question
 * belongs to no entry (`entryOf` → undefined) are ignored.
 */
export function faqEntriesByBestQuestion(
  questionHits: readonly { key: string; score: number }[],
  entryOf: (questionKey: string) => string | undefined,
): FaqVectorCandidate[] {
  const best = new Map<string, FaqVectorCandidate>();
  for (const hit of questionHits) {
    const entry = entryOf(hit.key);
    if (entry === undefined) continue;
    const current = best.get(entry);
    if (!current || hit.score > current.score) best.set(entry, { id: entry, score: hit.score, matchedQuestion: hit.key });
  }
  return [...best.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
