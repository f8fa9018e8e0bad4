import type { KnowledgeBasePort, RecallQuery } from '../../application/ports/knowledge-base.port.js';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { RecallResult, RecalledDoc } from '../../domain/recall-result.js';
import { readRecords } from './dify-records.js';

export interface HttpKnowledgeBaseOptions {
  /** Base URL; the adapter POSTs to `{url}/retrieval` (`KB_URL`). */
  readonly url: string;
  /** Sent as `Authorization: Bearer …` when set (`KB_API_KEY`). */
  readonly apiKey?: string;
  /** Sent as `knowledge_id` (`KB_KNOWLEDGE_ID`). */
  readonly knowledgeId: string;
  readonly topK: number;
  /** Sent as `score_threshold` (`KB_MIN_SCORE`). */
  readonly minScore: number;
  /** A retrieval slower than this is given up (`KB_TIMEOUT_MS`). */
  readonly timeoutMs: number;
  readonly log: LoggerPort;
}

/**
 * A client for the Dify "External Knowledge API" contract, so retrieval can
 * live in Elasticsearch/OpenSearch, a vector store or a wiki search behind a
 * small bridge. A retrieval that fails (non-2xx, timeout, malformed reply,
 * network error) is logged and the turn goes on without documents
 * (`ok: false`); only a caller hang-up rejects, and it cancels the request.
 * `business_keys` keep the records whose `metadata.space_id` matches, and
 * records that declare no space.
 */
export class HttpKnowledgeBase implements KnowledgeBasePort {
  private readonly endpoint: string;

  constructor(private readonly options: HttpKnowledgeBaseOptions) {
    this.endpoint = `${options.url.replace(/\/+$/, '')}/retrieval`;
  }

  async recall(query: RecallQuery, signal: AbortSignal): Promise<RecallResult> {
    const { topK, minScore, timeoutMs, log } = this.options;
    const timeout = AbortSignal.timeout(timeoutMs);
    const started = performance.now();
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          knowledge_id: this.options.knowledgeId,
          query: query.text,
          retrieval_setting: { top_k: topK, score_threshold: minScore },
        }),
        signal: AbortSignal.any([signal, timeout]),
      });
      const body = await boundedText(response, MAX_REPLY_BYTES);
      if (!response.ok) throw new Error(`HTTP ${response.status} from retrieval API: ${describeError(body)}`);
      const docs = inSpaces(readRecords(parseJson(body)), query.businessKeys)
        .filter((d) => d.score >= minScore)
        .sort((a, b) => b.score - a.score)
        .slice(0, topK);
      log.debug('retrieval done', { traceId: query.traceId, records: docs.length, ms: Math.round(performance.now() - started) });
      return { docs, ok: true };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const reason = timeout.aborted ? `no reply within ${timeoutMs} ms` : (error as Error).message;
      log.warn('retrieval failed; answering without documents', { traceId: query.traceId, url: this.endpoint, error: reason });
      return { docs: [], ok: false };
    }
  }
}

function inSpaces(docs: RecalledDoc[], businessKeys: readonly string[]): RecalledDoc[] {
  if (businessKeys.length === 0) return docs;
  const keys = new Set(businessKeys);
  return docs.filter((d) => d.spaceId === '' || keys.has(d.spaceId));
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new Error('malformed retrieval reply: not JSON');
  }
}

/** Dify errors look like `{error_code, error_msg}`; keep logs short and free of echoed secrets. */
function describeError(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error_code?: unknown; error_msg?: unknown };
    if (parsed.error_code !== undefined) return `error_code ${String(parsed.error_code)}: ${String(parsed.error_msg).slice(0, 200)}`;
  } catch {
    // not JSON: fall through to a short excerpt
  }
  return body.slice(0, 200) || '(empty body)';
}

/** A retrieval reply larger than this is refused (a misbehaving bridge must not fill the heap). */
const MAX_REPLY_BYTES = 8 * 1024 * 1024;

/** The reply body as text, refused once it passes `limit` bytes (the rest is not read). */
async function boundedText(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new Error(`retrieval reply larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
