import { Ajv, type ErrorObject } from 'ajv';
import type { TurnRecordQueries } from '../../application/ports/turn-records.port.js';
import type { FeedbackRecord } from '../../domain/turn-record.js';
import type { HttpExtension } from './app.js';
import { RequestProblem } from './reply-table.js';

/** Longest comment kept, in characters. */
export const FEEDBACK_COMMENT_CHARS = 1000;

interface FeedbackBody {
  user: string;
  msg_id?: string;
  third_party_trace_id?: string;
  rating: 'up' | 'down';
  comment?: string | null;
}

const SCHEMA = {
  type: 'object',
  required: ['user', 'rating'],
  properties: {
    user: { type: 'string', minLength: 1, maxLength: 128 },
    msg_id: { type: 'string', minLength: 1, maxLength: 256 },
    third_party_trace_id: { type: 'string', minLength: 1, maxLength: 64 },
    rating: { enum: ['up', 'down'] },
    comment: { type: ['string', 'null'], maxLength: FEEDBACK_COMMENT_CHARS },
  },
  // Exactly one way to name the turn.
  oneOf: [{ required: ['msg_id'] }, { required: ['third_party_trace_id'] }],
};

const validate = new Ajv({ allErrors: true, strict: false }).compile<FeedbackBody>(SCHEMA);

/**
 * `POST /feedback`: a user's thumbs up or down on one turn, named by its
 * `msg_id` or the reply's `third_party_trace_id`. Read like a chat body (the
 * same JSON checks, signature and guards); a second rating by the same user
 * on the same turn replaces the first. Replies `{code: 0, err_msg: ""}`.
 */
export function feedbackExtension(records: TurnRecordQueries, now: () => number = Date.now): HttpExtension {
  return {
    routes(router, chat) {
      router.post('/feedback', chat.json, async (ctx) => {
        const body = ctx.request.body;
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw new RequestProblem('bad_request', 'body: must be a JSON object');
        }
        if (!validate(body)) throw new RequestProblem('bad_request', describe(validate.errors ?? []));
        const feedback: FeedbackRecord = {
          at: now(),
          turnRef: body.msg_id !== undefined ? `m:${body.msg_id.toWellFormed()}` : `t:${body.third_party_trace_id}`,
          user: body.user.toWellFormed(),
          rating: body.rating,
          ...(body.comment ? { comment: body.comment.toWellFormed() } : {}),
        };
        try {
          await records.saveFeedback(feedback);
        } catch {
          throw new RequestProblem('unavailable', 'the records database is not reachable; try again later');
        }
        ctx.body = { code: 0, err_msg: '', third_party_trace_id: ctx.state.traceId };
      });
    },
  };
}

function describe(errors: ErrorObject[]): string {
  const out = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' || (e.keyword === 'required' && e.schemaPath.startsWith('#/oneOf'))) {
      out.add('msg_id or third_party_trace_id: exactly one is required');
      continue;
    }
    const field = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : e.instancePath.slice(1) || 'body';
    const limit = (e.params as { limit?: number }).limit;
    const problem =
      e.keyword === 'required' ? 'is required'
      : e.keyword === 'enum' ? 'must be "up" or "down"'
      : e.keyword === 'maxLength' ? `must have at most ${limit} characters`
      : e.keyword === 'minLength' ? 'must not be empty'
      : e.keyword === 'type' ? `must be ${String((e.params as { type: string }).type).replace(',', ' or ')}`
      : (e.message ?? 'is invalid');
    out.add(`${field}: ${problem}`);
  }
  return [...out].join('; ');
}
