import { Ajv, type ErrorObject } from 'ajv';
import type { ChatTurn } from '../../domain/chat-turn.js';
import { RequestProblem } from './reply-table.js';

/** The body both chat endpoints accept, as Yishiting sends it. */
export interface ChatRequestBody {
  user: string;
  msg_type: string;
  content: string;
  msg_id?: string | null;
  session_id?: string | null;
  business_keys?: string[] | null;
}

const optionalString = (maxLength: number) => ({ type: ['string', 'null'], maxLength });

function schemaFor(maxContentChars: number) {
  return {
    type: 'object',
    required: ['user', 'msg_type', 'content'],
    properties: {
      user: { type: 'string', minLength: 1, maxLength: 128 },
      msg_type: { type: 'string', minLength: 1, maxLength: 64 },
      content: { type: 'string', minLength: 1, maxLength: maxContentChars },
      msg_id: optionalString(256),
      session_id: optionalString(256),
      business_keys: {
        type: ['array', 'null'],
        maxItems: 64,
        items: { type: 'string', maxLength: 256 },
      },
    },
    // Extra fields (raw_msg, response_url, ...) are allowed and ignored.
  };
}

/** Validates request bodies and turns them into `ChatTurn`s. */
export class ChatRequestParser {
  private readonly validate;

  constructor(maxContentChars: number) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    this.validate = ajv.compile<ChatRequestBody>(schemaFor(maxContentChars));
  }

  /** Throws a `bad_request` problem naming every offending field. */
  parse(body: unknown, traceId: string, receivedAt: number): ChatTurn {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new RequestProblem('bad_request', 'body: must be a JSON object');
    }
    if (!this.validate(body)) {
      throw new RequestProblem('bad_request', describe(this.validate.errors ?? []));
    }
    return {
      traceId,
      user: body.user.toWellFormed(),
      msgType: body.msg_type,
      content: body.content.toWellFormed(),
      msgId: body.msg_id ?? undefined,
      sessionId: body.session_id || undefined,
      businessKeys: (body.business_keys ?? []).map((k) => k.toWellFormed()),
      receivedAt,
    };
  }
}

function describe(errors: ErrorObject[]): string {
  const seen = new Set<string>();
  for (const e of errors) {
    const field = e.keyword === 'required'
      ? (e.params as { missingProperty: string }).missingProperty
      : e.instancePath.slice(1).replaceAll('/', '.') || 'body';
    const problem = e.keyword === 'required' ? 'is required' : friendly(e);
    seen.add(`${field}: ${problem}`);
  }
  return [...seen].join('; ');
}

function friendly(e: ErrorObject): string {
  const limit = (e.params as { limit?: number }).limit;
  switch (e.keyword) {
    case 'type':
      return `must be ${String((e.params as { type: string }).type).replace(',', ' or ')}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must have at least ${limit} characters`;
    case 'maxLength':
      return `must have at most ${limit} characters`;
    case 'maxItems':
      return `must have at most ${limit} items`;
    default:
      return e.message ?? 'is invalid';
  }
}
