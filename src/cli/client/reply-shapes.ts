/** A cited document on a stream's final frame. */
export interface FrameDoc {
  doc_id: string;
  title: string;
  url: string;
}

/** The JSON in one `/chat` frame's `data:` line. */
export interface StreamFrame {
  response: string;
  finished: boolean;
  global_output: { answer_success?: number; docs?: FrameDoc[] } & Record<string, unknown>;
}

/** A recalled document in a `/chat/sync` reply. */
export interface RecallDoc extends FrameDoc {
  space_id?: string;
  score?: number;
}

/** The `/chat/sync` reply. */
export interface SyncReply {
  code: number;
  err_msg: string;
  is_async_response: boolean;
  is_recall_success: number;
  recall_docs: RecallDoc[];
  msg_type: string;
  msg_content: string;
  third_party_trace_id: string;
}

/** A refusal before any answer, on either endpoint. */
export interface ErrorReply {
  code: number;
  err_msg: string;
  third_party_trace_id: string;
}

/** Parses a frame's data as JSON; `undefined` when it is not a JSON object. */
export function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined; // not JSON: the caller reports the raw text
  }
}

/** `err_msg` of an error body when it has one, else the start of the raw text. */
export function describeErrorBody(text: string): string {
  const body = parseJsonObject(text);
  if (body && typeof body.err_msg === 'string' && body.err_msg !== '') return body.err_msg;
  return text.trim().slice(0, 300) || '(empty body)';
}
