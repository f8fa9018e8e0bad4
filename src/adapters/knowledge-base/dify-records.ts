import type { RecalledDoc } from '../../domain/recall-result.js';

/**
 * Reads a Dify "External Knowledge API" reply
 * (`{records: [{content, score, title, metadata?}]}`) into recalled documents.
 * `metadata` may carry `doc_id`/`document_id`/`id`, `url`/`source_url`
 * and `space_id`; missing ones become empty (a missing id falls back to the
 * title). Throws `MalformedReply` naming the first thing that is wrong.
 */
export function readRecords(body: unknown): RecalledDoc[] {
  const records = (body as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) throw new MalformedReply('"records" is not an array');
  return records.map((record: unknown, i) => {
    const r = record as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null) throw new MalformedReply(`records[${i}] is not an object`);
    if (typeof r.content !== 'string') throw new MalformedReply(`records[${i}].content is not a string`);
    if (typeof r.score !== 'number' || !Number.isFinite(r.score)) {
      throw new MalformedReply(`records[${i}].score is not a number`);
    }
    const meta = (typeof r.metadata === 'object' && r.metadata !== null ? r.metadata : {}) as Record<string, unknown>;
    const title = text(r.title) || text(meta.title);
    return {
      docId: text(meta.doc_id) || text(meta.document_id) || text(meta.id) || title,
      spaceId: text(meta.space_id),
      title,
      url: text(meta.url) || text(meta.source_url),
      score: Math.min(1, Math.max(0, r.score)),
      content: r.content,
    };
  });
}

/** The retrieval API answered something that is not a Dify retrieval reply. */
export class MalformedReply extends Error {
  constructor(what: string) {
    super(`malformed retrieval reply: ${what}`);
    this.name = 'MalformedReply';
  }
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
