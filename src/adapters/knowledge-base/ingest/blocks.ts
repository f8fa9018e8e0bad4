/**
 * What every reader turns a file into: typed blocks in reading order, which
 * one chunker (`chunker.ts`) cuts into passages. Readers know formats; the
 * chunker knows sizes and sections.
 */
export type Block =
  | { readonly kind: 'heading'; readonly level: number; readonly text: string; readonly page?: number }
  | { readonly kind: 'paragraph'; readonly text: string; readonly page?: number }
  | { readonly kind: 'list_item'; readonly text: string; readonly page?: number }
  | { readonly kind: 'table'; readonly header: readonly string[]; readonly rows: readonly (readonly string[])[]; readonly page?: number };

/** One document as a reader found it; fields it does not know stay undefined and are filled from folder metadata or the path. */
export interface ReadDocument {
  /** Set only when the file says so (front matter `doc_id`, JSONL `id`); otherwise the relative path. */
  readonly docId?: string;
  /** The document's own title (front matter, `<title>`, first `<h1>`, PDF/Word metadata). */
  readonly title?: string;
  readonly url?: string;
  readonly spaceId?: string;
  readonly blocks: readonly Block[];
  /** Each block is a passage of its own, never packed with the next (a sheet's rows: one row, one passage). */
  readonly passagePerBlock?: boolean;
  /** `file` or `file:line`, relative to `KB_DIR`, for logs. */
  readonly source: string;
}

/** A standard question with its answer (标准问答), and the other wordings users use (相似问法). */
export interface FaqEntry {
  /** Stable: the row's `id`, else `file#row`. */
  readonly id: string;
  readonly question: string;
  readonly answer: string;
  readonly similar: readonly string[];
  readonly url?: string;
  readonly spaceId?: string;
  readonly source: string;
}

/** Something in the folder that could not be indexed; the rest still is. */
export interface IngestProblem {
  /** `file` or `file:line`, relative to the folder. */
  readonly source: string;
  readonly reason: string;
}

/** What one file yielded. */
export interface ReaderOutput {
  readonly documents: readonly ReadDocument[];
  readonly faqs: readonly FaqEntry[];
  readonly problems: readonly IngestProblem[];
}

/** A format reader: bytes of one file (already size-checked, inside `KB_DIR`) to blocks. */
export type Reader = (file: { readonly path: string; readonly bytes: Buffer }) => Promise<ReaderOutput>;

/** A passage as the chunker makes it and the index stores it: small enough to rank and to quote. */
export interface KbPassage {
  readonly docId: string;
  readonly title: string;
  readonly url: string;
  /** Matched against `business_keys`; empty: shared by every space. */
  readonly spaceId: string;
  /** `文档标题 › 章节 › 小节`: indexed with the text and shown when the passage is quoted. */
  readonly headingPath: readonly string[];
  readonly text: string;
  /** 1-based PDF page the passage starts on, when known. */
  readonly page?: number;
  /** `file` or `file:line`, relative to `KB_DIR`. */
  readonly source: string;
}

/** Everything one file of `KB_DIR` became: the unit the persisted index adds, keeps or drops. */
export interface IngestedFile {
  /** Relative to `KB_DIR`, `/`-separated. */
  readonly path: string;
  /** Content hash (sha256 of the bytes, plus the folder metadata that applied): unchanged means not read again. */
  readonly fingerprint: string;
  readonly passages: readonly KbPassage[];
  readonly faqs: readonly FaqEntry[];
  readonly problems: readonly IngestProblem[];
}
