import { postJson, RemoteCallError } from './remote-call.js';

export type RerankFormat = 'jina' | 'tei';

export interface RerankClientOptions {
  /** The client POSTs to `{baseUrl}/rerank`. */
  readonly baseUrl: string;
  /** Sent as `model` (Jina/Cohere format; TEI serves one model and takes none). */
  readonly model?: string | undefined;
  readonly apiKey?: string | undefined;
  /**
   * `jina`: `{"model","query","documents","top_n"}` → `{"results":[{"index","relevance_score"}]}`
   * (Jina, Cohere, SiliconFlow, vLLM, Xinference). `tei`: `{"query","texts"}` → `[{"index","score"}]`.
   */
  readonly format: RerankFormat;
  readonly timeoutMs: number;
}

/** One reranked document: its position in the request and the reranker's score (on the reranker's own scale). */
export interface RerankScore {
  readonly index: number;
  readonly score: number;
}

/** A client for cross-encoder rerank endpoints; one request per call, no retry (a turn has no time for one). */
export class RerankClient {
  private readonly endpoint: string;

  constructor(private readonly options: RerankClientOptions) {
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/rerank`;
  }

  /** Scores `documents` against `query`; returns the best `topN`, best first. Rejects with `RemoteCallError`, or the abort reason. */
  async rerank(query: string, documents: readonly string[], topN: number, signal: AbortSignal): Promise<RerankScore[]> {
    if (documents.length === 0) return [];
    const { format, model } = this.options;
    const body =
      format === 'tei'
        ? { query, texts: documents, truncate: true }
        : { ...(model ? { model } : {}), query, documents, top_n: Math.min(topN, documents.length) };
    const reply = await postJson(this.endpoint, body, {
      role: 'rerank server',
      apiKey: this.options.apiKey,
      timeoutMs: this.options.timeoutMs,
      signal,
      // A score line is small; the bound leaves room for servers that echo the documents back anyway.
      maxReplyBytes: 64 * 1024 + documents.reduce((n, d) => n + Buffer.byteLength(d) * 2 + 256, 0),
    });
    const rows = format === 'tei' ? reply : (reply as { results?: unknown } | null)?.results;
    return readScores(rows, format === 'tei' ? 'score' : 'relevance_score', documents.length)
      .sort((a, b) => b.score - a.score)
      .slice(0, topN);
  }
}

function readScores(rows: unknown, field: 'score' | 'relevance_score', count: number): RerankScore[] {
  const where = field === 'score' ? 'reply' : 'reply.results';
  if (!Array.isArray(rows)) throw malformed(`${where} is not an array`);
  if (rows.length > count) throw malformed(`${where} has ${rows.length} rows for ${count} documents`);
  const seen = new Set<number>();
  return rows.map((row: unknown, i) => {
    const index = (row as Record<string, unknown> | null)?.index;
    const score = (row as Record<string, unknown> | null)?.[field];
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= count) throw malformed(`${where}[${i}].index is ${JSON.stringify(index)}, not 0..${count - 1}`);
    if (seen.has(index as number)) throw malformed(`index ${index as number} appears twice`);
    seen.add(index as number);
    if (typeof score !== 'number' || !Number.isFinite(score)) throw malformed(`${where}[${i}].${field} is ${JSON.stringify(score) ?? 'missing'}, not a finite number`);
    return { index: index as number, score };
  });
}

function malformed(what: string): RemoteCallError {
  return new RemoteCallError('malformed', `rerank server: ${what}`);
}
