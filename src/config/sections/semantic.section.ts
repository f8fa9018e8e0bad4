import { defineSection, int, num, str, url } from '../section.js';

/**
 * Semantic retrieval through the operator's own models: an OpenAI-compatible
 * embeddings endpoint and a reranker. Neither set → `enabled: false` and
 * retrieval is lexical only, unchanged.
 */
export const semanticSection = defineSection({
  env: {
    EMBEDDINGS_BASE_URL: url(),
    EMBEDDINGS_MODEL: str(),
    EMBEDDINGS_API_KEY: str(),
    EMBEDDINGS_QUERY_PREFIX: str(),
    EMBEDDINGS_PASSAGE_PREFIX: str(),
    EMBEDDINGS_BATCH: int(1, 2048, 32),
    EMBEDDINGS_CONCURRENCY: int(1, 32, 2),
    EMBEDDINGS_TIMEOUT_MS: int(50, 600_000, 2000),
    EMBEDDINGS_INDEX_TIMEOUT_MS: int(100, 600_000, 60_000),
    EMBEDDINGS_MAX_RETRIES: int(0, 20, 4),
    RERANK_BASE_URL: url(),
    RERANK_MODEL: str(),
    RERANK_API_KEY: str(),
    RERANK_FORMAT: { enum: ['jina', 'tei'], default: 'jina' },
    RERANK_TOP_N: int(1, 500, 20),
    RERANK_TIMEOUT_MS: int(50, 600_000, 3000),
    RERANK_MIN_SCORE: num(-1000, 1000, 0.1),
    RERANK_FAQ_DIRECT_SCORE: num(-1000, 1000, 0.85),
    FUSION_WEIGHTS: { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*,\\s*\\d+(\\.\\d+)?\\s*$', default: '1,1' },
    FUSION_RRF_K: int(1, 10_000, 60),
  },
  check: (v) => {
    const problems: string[] = [];
    if (v.EMBEDDINGS_BASE_URL && !v.EMBEDDINGS_MODEL) {
      problems.push('EMBEDDINGS_MODEL: is required when EMBEDDINGS_BASE_URL is set (e.g. EMBEDDINGS_MODEL=BAAI/bge-m3)');
    }
    if (!v.EMBEDDINGS_BASE_URL && v.EMBEDDINGS_MODEL) problems.push('EMBEDDINGS_BASE_URL: is required when EMBEDDINGS_MODEL is set');
    if (v.RERANK_BASE_URL && v.RERANK_FORMAT === 'jina' && !v.RERANK_MODEL) {
      problems.push('RERANK_MODEL: is required when RERANK_BASE_URL is set with RERANK_FORMAT=jina (e.g. RERANK_MODEL=BAAI/bge-reranker-v2-m3)');
    }
    if (!v.RERANK_BASE_URL && v.RERANK_MODEL) problems.push('RERANK_BASE_URL: is required when RERANK_MODEL is set');
    if (v.RERANK_MIN_SCORE > v.RERANK_FAQ_DIRECT_SCORE) {
      problems.push(`RERANK_FAQ_DIRECT_SCORE=${v.RERANK_FAQ_DIRECT_SCORE}: must not be below RERANK_MIN_SCORE=${v.RERANK_MIN_SCORE}`);
    }
    return problems;
  },
  build: (v) => {
    const [lexicalWeight, vectorWeight] = (v.FUSION_WEIGHTS as string).split(',').map((w) => Number(w.trim())) as [number, number];
    const embeddings = v.EMBEDDINGS_BASE_URL
      ? {
          baseUrl: v.EMBEDDINGS_BASE_URL as string,
          model: v.EMBEDDINGS_MODEL as string,
          apiKey: v.EMBEDDINGS_API_KEY as string | undefined,
          /** Prepended to a question before it is embedded (BGE/E5 instructions); see `joinPrefix`. */
          queryPrefix: (v.EMBEDDINGS_QUERY_PREFIX as string | undefined) ?? '',
          /** Prepended to a passage or FAQ question before it is embedded. */
          passagePrefix: (v.EMBEDDINGS_PASSAGE_PREFIX as string | undefined) ?? '',
          /** Texts per request while indexing. */
          batchSize: v.EMBEDDINGS_BATCH as number,
          /** Requests in flight at once while indexing. */
          concurrency: v.EMBEDDINGS_CONCURRENCY as number,
          /** Bound on embedding one question during a turn (no retry: the lexical path answers instead). */
          timeoutMs: v.EMBEDDINGS_TIMEOUT_MS as number,
          /** Bound on one batch request while indexing. */
          indexTimeoutMs: v.EMBEDDINGS_INDEX_TIMEOUT_MS as number,
          /** Further attempts of one indexing batch after a 429, 5xx, timeout or connection failure. */
          maxRetries: v.EMBEDDINGS_MAX_RETRIES as number,
        }
      : undefined;
    const rerank = v.RERANK_BASE_URL
      ? {
          baseUrl: v.RERANK_BASE_URL as string,
          model: v.RERANK_MODEL as string | undefined,
          apiKey: v.RERANK_API_KEY as string | undefined,
          format: v.RERANK_FORMAT as 'jina' | 'tei',
          /** How many fused candidates the reranker reorders. */
          topN: v.RERANK_TOP_N as number,
          timeoutMs: v.RERANK_TIMEOUT_MS as number,
          /** On the reranker's scale: below this, a candidate is not recalled. */
          minScore: v.RERANK_MIN_SCORE as number,
          /** On the reranker's scale: an FAQ entry at or above this may be answered directly. */
          faqDirectScore: v.RERANK_FAQ_DIRECT_SCORE as number,
        }
      : undefined;
    return {
      /** True when embeddings or a reranker is configured. */
      enabled: embeddings !== undefined || rerank !== undefined,
      embeddings,
      rerank,
      /** Reciprocal rank fusion: weight of the lexical and the vector list, and the `k` in 1/(k + rank). */
      fusion: { lexicalWeight, vectorWeight, k: v.FUSION_RRF_K as number },
    };
  },
});

/** The semantic settings, as built from the environment. */
export type SemanticConfig = ReturnType<typeof semanticSection.build>;
