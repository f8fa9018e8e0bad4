/** A document the knowledge base recalled for a turn. */
export interface RecalledDoc {
  readonly docId: string;
  readonly spaceId: string;
  readonly title: string;
  readonly url: string;
  /** Relevance, normalised to 0..1. */
  readonly score: number;
  /** The passage that matched, used as grounding context for the answer (for an FAQ entry: its answer). */
  readonly content: string;
  /** `faq`: an FAQ entry (标准问答); `docId` is its id, `title` its standard question. Unset: a document passage. */
  readonly kind?: 'passage' | 'faq';
  /** An FAQ entry's stored answer, sent verbatim when the entry is answered directly. */
  readonly answer?: string;
  /** For an FAQ entry: which of its questions (standard or similar) matched best. */
  readonly matchedQuestion?: string;
  /**
   * For an FAQ entry: the user's question and `matchedQuestion` each have a
   * topic word the other lacks (VPN / WiFi, 开通 / 关闭), so however alike the
   * rest, they may ask different things and the entry is not answered directly.
   */
  readonly swapsWord?: boolean;
  /** A passage's section, `文档标题 › 章节 › 小节`, shown when it is quoted. */
  readonly headingPath?: readonly string[];
  /** 1-based page the passage starts on (PDF), when known. */
  readonly page?: number;
  /** Which retrieval found it: the lexical index, the vectors, or both; unset when the knowledge base does not say (a remote one). */
  readonly foundBy?: FoundBy;
  /** True when a reranker scored it (its `score` is then on the reranker's scale). */
  readonly reranked?: boolean;
}

export type FoundBy = 'lexical' | 'vector' | 'both';

/** `lexical`, `vector` or `both`, and `+reranked` when a reranker scored it; `''` when unknown. For records, the eval report and a reply header. */
export function retrievalPath(doc: Pick<RecalledDoc, 'foundBy' | 'reranked'> | undefined): string {
  if (!doc?.foundBy) return '';
  return doc.reranked ? `${doc.foundBy}+reranked` : doc.foundBy;
}

/** What the knowledge base found for a turn. */
export interface RecallResult {
  readonly docs: readonly RecalledDoc[];
  /**
   * False when retrieval itself failed and the turn goes on without documents;
   * true when it ran, even if it found nothing.
   */
  readonly ok: boolean;
}

export const EMPTY_RECALL: RecallResult = Object.freeze({ docs: Object.freeze([]), ok: true });
