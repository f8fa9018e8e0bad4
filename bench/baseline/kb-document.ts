/** One document of the local knowledge base, as read from the folder. */
export interface KbDocument {
  /** Cited as `doc_id`: front matter `doc_id`, the JSONL `id`, or the path relative to the folder. */
  readonly docId: string;
  readonly title: string;
  /** Cited as `url` (may be empty). */
  readonly url: string;
  /** The space the document belongs to, matched against `business_keys` (empty: every space). */
  readonly spaceId: string;
  readonly text: string;
  /** Where it came from (`file` or `file:line`), for logs. */
  readonly source: string;
}

/** Something in the folder that could not be indexed; the rest still is. */
export interface IngestProblem {
  /** `file` or `file:line`, relative to the folder. */
  readonly source: string;
  readonly reason: string;
}

/** A piece of a document small enough to rank and to quote; it keeps its document's identity. */
export interface Passage {
  readonly doc: KbDocument;
  readonly text: string;
}
