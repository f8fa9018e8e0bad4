import type { TurnFailureKind } from '../../domain/turn-failure.js';

/** A request refused before any answer started. */
export type RequestProblemKind =
  | 'bad_request'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal'
  | 'unavailable'
  /** Refused at MAX_CONCURRENT_TURNS before anything was accepted (`/chat/async`); also a turn failure. */
  | 'busy';

export interface ReplySpec {
  /** HTTP status of a refusal; a turn failure after the call was accepted still goes out as 200. */
  readonly status: number;
  /** The protocol's non-zero `code`. */
  readonly code: number;
  /** `err_msg` when no more specific detail is known. */
  readonly errMsg: string;
  /** What the user reads in the final stream frame / sync `msg_content`. */
  readonly apology: string;
}

const SORRY = '抱歉，机器人暂时无法回答，请稍后再试或联系 IT 服务台。';

/**
 * The one table from what went wrong to what the protocol says, used by the
 * JSON error replies, the sync reply and the SSE final frame alike.
 */
export const REPLIES: Readonly<Record<RequestProblemKind | TurnFailureKind, ReplySpec>> = {
  bad_request: { status: 400, code: 40000, errMsg: 'invalid request', apology: SORRY },
  unauthorized: { status: 401, code: 40100, errMsg: 'missing or wrong credentials', apology: SORRY },
  not_found: { status: 404, code: 40400, errMsg: 'no such route', apology: SORRY },
  method_not_allowed: { status: 405, code: 40500, errMsg: 'method not allowed', apology: SORRY },
  payload_too_large: { status: 413, code: 41300, errMsg: 'request body too large', apology: SORRY },
  unsupported_media_type: {
    status: 415,
    code: 41500,
    errMsg: 'Content-Type must be application/json',
    apology: SORRY,
  },
  rate_limited: {
    status: 429,
    code: 42900,
    errMsg: 'too many requests, slow down',
    apology: '您提问太频繁了，请稍后再试。',
  },
  internal: { status: 500, code: 50000, errMsg: 'internal error', apology: SORRY },
  unavailable: { status: 503, code: 50300, errMsg: 'service unavailable', apology: SORRY },
  busy: {
    status: 503,
    code: 50301,
    errMsg: 'the bot is busy, try again shortly',
    apology: '当前咨询人数较多，请稍后再试。',
  },
  deadline: {
    status: 504,
    code: 50400,
    errMsg: 'the answer took too long and was cut at the deadline',
    apology: '抱歉，回答超时了，请稍后再试或换个问法。',
  },
  llm_unavailable: {
    status: 502,
    code: 50201,
    errMsg: 'the language model failed to answer',
    apology: SORRY,
  },
  knowledge_base_unavailable: {
    status: 502,
    code: 50202,
    errMsg: 'the knowledge base failed',
    apology: SORRY,
  },
  shutting_down: {
    status: 503,
    code: 50301,
    errMsg: 'the service is restarting; ask again',
    apology: '抱歉，机器人正在重启，回答被中断了，请稍后重新提问。',
  },
  empty_answer: {
    status: 502,
    code: 50203,
    errMsg: 'the language model returned an empty answer',
    apology: '抱歉，我没能生成回答，请换个问法再试。',
  },
};

/** A refusal raised anywhere in the HTTP adapter; `detail` names the problem (and the field). */
export class RequestProblem extends Error {
  constructor(
    readonly kind: RequestProblemKind,
    readonly detail?: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail ?? REPLIES[kind].errMsg);
    this.name = 'RequestProblem';
  }
}
