import type { StoredTurn } from '../../application/ports/turn-records.port.js';
import type { RecordedDoc } from '../../domain/turn-record.js';

/**
 * A batch of turns as one flat array of strings, numbers, booleans and nulls,
 * for the hand-off to the records writer thread. `postMessage` clones what it
 * is given; cloning 200 turn objects (each key name written again for every
 * row and every document) cost ~3–6 µs a row on the thread that answers
 * calls, a flat array of the same values about a third of that. Each turn is,
 * in order: traceId, at, msgId, sessionId, userKey, the number of business
 * keys and each key, question, standaloneQuestion, answer, answerTruncated,
 * answered, outcome, reason, the number of docs and per doc its 7 fields
 * (docId, title, url, score, kind, matchedQuestion, foundBy), citedDocId,
 * firstFrameMs, durationMs, provider. Absent optional fields travel as null.
 */
export type PackedTurns = readonly (string | number | boolean | null)[];

export function packTurns(rows: readonly StoredTurn[]): PackedTurns {
  const out: (string | number | boolean | null)[] = [];
  for (const t of rows) {
    out.push(t.traceId, t.at, t.msgId ?? null, t.sessionId ?? null, t.userKey, t.businessKeys.length);
    for (const key of t.businessKeys) out.push(key);
    out.push(t.question, t.standaloneQuestion, t.answer, t.answerTruncated, t.answered, t.outcome, t.reason, t.docs.length);
    for (const d of t.docs) out.push(d.docId, d.title, d.url, d.score, d.kind, d.matchedQuestion ?? null, d.foundBy ?? null);
    out.push(t.citedDocId ?? null, t.firstFrameMs ?? null, t.durationMs, t.provider);
  }
  return out;
}

/** The turns of `packTurns`, field for field (absent optional fields stay absent). */
export function unpackTurns(packed: PackedTurns): StoredTurn[] {
  const turns: StoredTurn[] = [];
  let i = 0;
  const str = () => packed[i++] as string;
  const num = () => packed[i++] as number;
  const bool = () => packed[i++] as boolean;
  const opt = () => {
    const v = packed[i++];
    return v === null ? undefined : v;
  };
  while (i < packed.length) {
    const traceId = str();
    const at = num();
    const msgId = opt() as string | undefined;
    const sessionId = opt() as string | undefined;
    const userKey = str();
    const businessKeys: string[] = [];
    for (let n = num(); n > 0; n -= 1) businessKeys.push(str());
    const question = str();
    const standaloneQuestion = str();
    const answer = str();
    const answerTruncated = bool();
    const answered = bool();
    const outcome = str();
    const reason = str();
    const docs: RecordedDoc[] = [];
    for (let n = num(); n > 0; n -= 1) {
      const docId = str();
      const title = str();
      const url = str();
      const score = num();
      const kind = str() as RecordedDoc['kind'];
      const matchedQuestion = opt() as string | undefined;
      const foundBy = opt() as string | undefined;
      // The keys in the order turnRecord gives them, so the stored JSON of `docs` is the same.
      docs.push({
        docId, title, url, score, kind,
        ...(matchedQuestion !== undefined ? { matchedQuestion } : {}),
        ...(foundBy !== undefined ? { foundBy } : {}),
      });
    }
    const citedDocId = opt() as string | undefined;
    const firstFrameMs = opt() as number | undefined;
    const durationMs = num();
    const provider = str();
    turns.push({
      traceId, at, msgId, sessionId, userKey, businessKeys, question, standaloneQuestion, answer, answerTruncated, answered,
      outcome, reason, docs, citedDocId, firstFrameMs, durationMs, provider,
    });
  }
  return turns;
}
