import type { RecalledDoc } from '../../domain/recall-result.js';
import type { TurnOutcome } from '../../domain/turn-event.js';
import type { SyncAnswer } from '../../application/sync-chat.use-case.js';
import { REPLIES, type RequestProblemKind } from './reply-table.js';

/** The `global_output` every frame but the last carries. */
const PENDING_OUTPUT = { urls: '', context: '', answer_success: 0, docs: [] } as const;

/** One SSE frame exactly as the protocol shows it. `JSON.stringify` keeps `data:` on one line. */
export function sseFrame(response: string, finished: boolean, globalOutput: object = PENDING_OUTPUT): string {
  if (!finished && globalOutput === PENDING_OUTPUT) return pieceFrame(response);
  return `event:delta\ndata:${JSON.stringify({ response, finished, global_output: globalOutput })}\n\n`;
}

/** The constant tail of every non-final frame, serialised once: a stream sends thousands. */
const PIECE_TAIL = `,"finished":false,"global_output":${JSON.stringify(PENDING_OUTPUT)}}\n\n`;

/** A non-final frame: byte for byte what `sseFrame(response, false)` would build, with one small `JSON.stringify`. */
function pieceFrame(response: string): string {
  return `event:delta\ndata:{"response":${JSON.stringify(response)}${PIECE_TAIL}`;
}

/** The last frame of a stream: carries the outcome, and the apology when the turn failed. */
export function finalFrame(outcome: TurnOutcome): string {
  const response = outcome.failure ? REPLIES[outcome.failure].apology : '';
  const docs = outcome.answered
    ? outcome.recall.docs.map((d) => ({ doc_id: d.docId, title: d.title, url: d.url }))
    : [];
  return sseFrame(response, true, { answer_success: outcome.answered ? 1 : 0, docs });
}

const recallDoc = (d: RecalledDoc) => ({
  doc_id: d.docId,
  space_id: d.spaceId,
  title: d.title,
  url: d.url,
  score: d.score,
});

/** The `/chat/sync` reply: `code` 0 with the answer, or non-zero with `err_msg` and an apology. */
export function syncReply(answer: SyncAnswer, traceId: string): Record<string, unknown> {
  const { outcome } = answer;
  const failed = outcome.failure ? REPLIES[outcome.failure] : undefined;
  return {
    code: failed ? failed.code : 0,
    err_msg: failed ? failed.errMsg : '',
    is_async_response: false,
    is_recall_success: outcome.recall.docs.length > 0 ? 1 : 0,
    recall_docs: outcome.recall.docs.map(recallDoc),
    msg_type: 'text',
    msg_content: failed ? failed.apology : answer.text,
    third_party_trace_id: traceId,
  };
}

/** The protocol's JSON error body for a refused request. */
export function errorReply(kind: RequestProblemKind, detail: string | undefined, traceId: string) {
  return { code: REPLIES[kind].code, err_msg: detail ?? REPLIES[kind].errMsg, third_party_trace_id: traceId };
}
