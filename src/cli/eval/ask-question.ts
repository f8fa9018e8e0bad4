import { callService, ServiceUnreachable, type ChatRequestBody } from '../client/chat-call.js';
import { describeErrorBody, parseJsonObject } from '../client/reply-shapes.js';
import type { EvalQuestion } from './eval-question.js';
import type { CallFailure, QuestionResult, RankedDoc } from './question-result.js';

/** A reply larger than this is not read on (answers are bounded by ANSWER_MAX_CHARS, 20,000 by default). */
export const MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** Reasons whose turn answered the question (the service's `answer_success: 1`). */
const ANSWERED_REASONS = new Set(['faq_direct', 'answered']);

export interface AskTarget {
  readonly url: string;
  readonly token?: string;
  readonly businessKeys: readonly string[];
  readonly timeoutMs: number;
}

/**
 * Asks one question over `POST /chat/sync` as a user of its own, with a fresh
 * `msg_id` and `session_id`, so neither idempotency nor conversation memory
 * links it to another question. A reply of any kind becomes a result; only
 * `signal` aborting (the run was interrupted) throws.
 */
export async function askQuestion(question: EvalQuestion, callId: string, target: AskTarget, signal: AbortSignal): Promise<QuestionResult> {
  const body: ChatRequestBody = {
    user: callId,
    msg_type: 'text',
    content: question.query,
    msg_id: callId,
    session_id: callId,
    ...(target.businessKeys.length > 0 ? { business_keys: [...target.businessKeys] } : {}),
  };
  // A timer of our own, not AbortSignal.timeout inside AbortSignal.any: Node 20 may collect that
  // timeout signal while the call waits (seen after a large reply ran the GC), and it never fires.
  signal.throwIfAborted();
  const call = new AbortController();
  const forward = () => call.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    call.abort(new Error(`no complete reply within ${target.timeoutMs} ms`));
  }, target.timeoutMs);
  const started = performance.now();
  const result = (fields: Partial<QuestionResult>): QuestionResult => ({
    question,
    docs: [],
    reason: '',
    foundBy: '',
    answerSuccess: undefined,
    answer: '',
    latencyMs: performance.now() - started,
    ...fields,
  });
  const failed = (kind: string, detail: string, fields: Partial<QuestionResult> = {}, error?: Error) =>
    result({ answerSuccess: 0, ...fields, failure: { kind, detail, ...(error ? { error } : {}) } satisfies CallFailure });
  let text: string;
  let response: Response;
  try {
    response = await callService(target.url, 'chat/sync', { body: JSON.stringify(body), token: target.token, signal: call.signal });
    text = await readBounded(response);
  } catch (error) {
    if (signal.aborted) throw error;
    if (error instanceof ServiceUnreachable) return failed('unreachable', error.message, {}, error);
    if (error instanceof ReplyTooLarge) return failed('reply_too_large', error.message);
    if (timedOut) return failed('timeout', `no complete reply within ${target.timeoutMs} ms`);
    return failed('connection_lost', `the reply was cut: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', forward);
  }
  const reason = response.headers.get('x-answer-reason') ?? '';
  if (response.status !== 200) return failed(`http_${response.status}`, describeErrorBody(text), { reason });
  const reply = parseJsonObject(text);
  if (!reply) return failed('bad_reply', `the reply is not a JSON object: ${text.slice(0, 200)}`, { reason });
  const answer = typeof reply.msg_content === 'string' ? reply.msg_content : '';
  const docs = rankedDocs(reply.recall_docs);
  if (reply.code !== 0) {
    return failed(`code_${String(reply.code)}`, typeof reply.err_msg === 'string' && reply.err_msg ? reply.err_msg : '(no err_msg)', { reason, answer, docs });
  }
  const foundBy = response.headers.get('x-answer-found-by') ?? '';
  return result({ docs, reason, foundBy, answer, answerSuccess: readAnswerSuccess(reply, reason) });
}

/**
 * `answer_success` of a sync reply. The protocol's sync reply has no such
 * field, so unless a service adds one it is read from `X-Answer-Reason`
 * (answered or faq_direct is 1); a service sending neither leaves it unknown.
 */
export function readAnswerSuccess(reply: Record<string, unknown>, reason: string): 0 | 1 | undefined {
  if (reply.answer_success === 0 || reply.answer_success === 1) return reply.answer_success;
  if (reason === '') return undefined;
  return ANSWERED_REASONS.has(reason) ? 1 : 0;
}

function rankedDocs(value: unknown): RankedDoc[] {
  if (!Array.isArray(value)) return [];
  const docs: RankedDoc[] = [];
  for (const item of value as unknown[]) {
    const doc = item as { doc_id?: unknown; score?: unknown } | null;
    const id = typeof doc?.doc_id === 'number' ? String(doc.doc_id) : doc?.doc_id;
    if (typeof id !== 'string' || id === '') continue;
    docs.push(typeof doc?.score === 'number' && Number.isFinite(doc.score) ? { id, score: doc.score } : { id });
  }
  return docs;
}

class ReplyTooLarge extends Error {}

/** The body as UTF-8 text, refusing (and cancelling) one over `MAX_REPLY_BYTES`. */
async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += chunk.byteLength;
    // Leaving the loop by a throw cancels the body, which drops the connection.
    if (bytes > MAX_REPLY_BYTES) throw new ReplyTooLarge(`the reply is over ${MAX_REPLY_BYTES} bytes`);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
