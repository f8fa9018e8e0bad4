import { parseJsonObject } from '../client/reply-shapes.js';
import { type Check, contentTypeProblems, fieldType, requireNone } from './check.js';
import { aQuestion, probe, type Probe } from './probe.js';

/** A stack frame or a server path in a reply leaks internals. */
const LEAK = /\bat \S+ \(?\S+:\d+:\d+\)?|node_modules|\/(?:home|usr|src|app|opt|srv)\/\S+/;

/** Problems with a `/chat/sync` success reply (PROTOCOL.md, "POST /chat/sync"). */
export function syncReplyProblems(reply: Probe): string[] {
  if (reply.status !== 200) return [`status ${reply.status}, want 200: ${reply.text.slice(0, 200)}`];
  const body = parseJsonObject(reply.text);
  if (!body) return [`the body is not a JSON object: ${reply.text.slice(0, 200)}`];
  const docs = Array.isArray(body.recall_docs) ? (body.recall_docs as Record<string, unknown>[]) : [];
  return [
    ...contentTypeProblems(reply.headers, 'application/json'),
    ...fieldType(body, 'code', 'number', 'reply'),
    ...fieldType(body, 'err_msg', 'string', 'reply'),
    ...fieldType(body, 'is_async_response', 'boolean', 'reply'),
    ...fieldType(body, 'recall_docs', 'array', 'reply'),
    ...fieldType(body, 'msg_type', 'string', 'reply'),
    ...fieldType(body, 'msg_content', 'string', 'reply'),
    ...fieldType(body, 'third_party_trace_id', 'string', 'reply'),
    ...docs.flatMap((d, i) => [
      ...['doc_id', 'title', 'url'].flatMap((k) => fieldType(d, k, 'string', `recall_docs[${i}]`)),
      ...('space_id' in d ? fieldType(d, 'space_id', 'string', `recall_docs[${i}]`) : []),
      ...('score' in d ? fieldType(d, 'score', 'number', `recall_docs[${i}]`) : []),
    ]),
    ...(body.is_recall_success === (docs.length > 0 ? 1 : 0) ? [] : [`is_recall_success is ${JSON.stringify(body.is_recall_success)} with ${docs.length} recall_docs`]),
    ...(body.code === 0 && body.err_msg === '' ? [] : [`code ${JSON.stringify(body.code)}, err_msg ${JSON.stringify(body.err_msg)}: the bot did not answer`]),
    ...(body.code === 0 && body.msg_content === '' ? ['code 0 with an empty msg_content'] : []),
    ...(body.third_party_trace_id === reply.headers.get('x-trace-id') ? [] : [`third_party_trace_id ${JSON.stringify(body.third_party_trace_id)} differs from X-Trace-Id ${JSON.stringify(reply.headers.get('x-trace-id'))}`]),
  ];
}

/** Problems with a refusal: the status, and `{code≠0, err_msg, third_party_trace_id = X-Trace-Id}`. */
export function errorReplyProblems(reply: Probe, status: number, mentions?: string): string[] {
  const body = parseJsonObject(reply.text);
  const problems = reply.status === status ? [] : [`status ${reply.status}, want ${status}`];
  if (!body) return [...problems, `the body is not a JSON object: ${JSON.stringify(reply.text.slice(0, 200))}`];
  problems.push(...contentTypeProblems(reply.headers, 'application/json'));
  if (typeof body.code !== 'number' || body.code === 0) problems.push(`code is ${JSON.stringify(body.code)}, want a non-zero number`);
  if (typeof body.err_msg !== 'string' || body.err_msg === '') problems.push('err_msg is missing or empty');
  else if (mentions && !body.err_msg.includes(mentions)) problems.push(`err_msg "${body.err_msg}" does not name ${mentions}`);
  if (LEAK.test(reply.text)) problems.push('the reply shows a stack trace or a server path');
  const header = reply.headers.get('x-trace-id');
  if (typeof body.third_party_trace_id !== 'string' || body.third_party_trace_id === '' || body.third_party_trace_id !== header) {
    problems.push(`third_party_trace_id ${JSON.stringify(body.third_party_trace_id)} is not the X-Trace-Id header ${JSON.stringify(header)}`);
  }
  return problems;
}

const refusal = (name: string, path: string, status: number, request: Parameters<typeof probe>[3], mentions?: string): Check => ({
  name,
  async run(ctx) {
    const reply = await probe(ctx, name, path, request);
    requireNone(errorReplyProblems(reply, status, mentions));
    return `err_msg: ${parseJsonObject(reply.text)?.err_msg}`;
  },
});

/** Sync replies, refusals, `/health` and odd-but-legal requests. */
export function replyChecks(): Check[] {
  return [
    {
      name: 'sync: reply fields and types, trace id = X-Trace-Id',
      async run(ctx) {
        const reply = await probe(ctx, 'POST /chat/sync', 'chat/sync', { body: aQuestion(ctx) });
        requireNone(syncReplyProblems(reply));
        return `${Math.round(reply.totalMs)} ms`;
      },
    },
    {
      name: 'sync: unknown extra fields are ignored',
      async run(ctx) {
        const body = aQuestion(ctx, { x_conformance_extra: { nested: [1, 'two'] }, another_new_field: 42 });
        requireNone(syncReplyProblems(await probe(ctx, 'sync with extra fields', 'chat/sync', { body })));
      },
    },
    {
      name: 'sync: an unsupported msg_type gets a polite 200 reply, not a crash',
      async run(ctx) {
        const reply = await probe(ctx, 'sync msg_type image', 'chat/sync', { body: aQuestion(ctx, { msg_type: 'image' }) });
        const body = parseJsonObject(reply.text);
        requireNone([
          ...(reply.status === 200 ? [] : [`status ${reply.status}, want 200`]),
          ...(typeof body?.msg_content === 'string' && body.msg_content !== '' ? [] : ['no msg_content in the reply']),
        ]);
        return `msg_content: ${body?.msg_content}`;
      },
    },
    refusal('errors: malformed JSON to /chat → 400', 'chat', 400, { body: '{"user": "a", "content": ' }),
    refusal('errors: malformed JSON to /chat/sync → 400', 'chat/sync', 400, { body: '{"user": "a",,}' }),
    refusal('errors: /chat without content → 400 naming it', 'chat', 400, { body: { user: 'a', msg_type: 'text' } }, 'content'),
    refusal('errors: /chat/sync without user → 400 naming it', 'chat/sync', 400, { body: { msg_type: 'text', content: 'q' } }, 'user'),
    refusal('errors: text/plain to /chat → 415', 'chat', 415, { body: 'hello', contentType: 'text/plain' }),
    refusal('errors: text/plain to /chat/sync → 415', 'chat/sync', 415, { body: 'hello', contentType: 'text/plain' }),
    refusal('errors: unknown route → 404', 'no-such-route-conformance', 404, { method: 'POST', body: '{}' }),
    refusal('errors: GET /chat → 405', 'chat', 405, { method: 'GET' }),
    refusal('errors: GET /chat/sync → 405', 'chat/sync', 405, { method: 'GET' }),
    {
      name: 'health: GET /health → 200 JSON',
      async run(ctx) {
        const reply = await probe(ctx, 'GET /health', 'health');
        const body = parseJsonObject(reply.text);
        requireNone([
          ...(reply.status === 200 ? [] : [`status ${reply.status}, want 200`]),
          ...contentTypeProblems(reply.headers, 'application/json'),
          ...(body ? [] : [`the body is not a JSON object: ${reply.text.slice(0, 200)}`]),
        ]);
        return reply.text.slice(0, 120);
      },
    },
  ];
}
