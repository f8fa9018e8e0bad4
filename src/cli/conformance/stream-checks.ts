import { type Check, contentTypeProblems, fieldType, once, requireNone } from './check.js';
import { analyseStream, frameFieldProblems, pieceProblems } from './frame-format.js';
import { aQuestion, probe, type RunContext } from './probe.js';

const PENDING = JSON.stringify({ urls: '', context: '', answer_success: 0, docs: [] });
/** JSON with object keys sorted at every depth, so key order does not matter when comparing. */
const canonical = (v: unknown): string =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`
    : Array.isArray(v) ? `[${v.map(canonical).join(',')}]` : JSON.stringify(v);

/** The checks on one streamed answer to `POST /chat` (PROTOCOL.md, "POST /chat"). */
export function streamChecks(): Check[] {
  const call = once(async (ctx: RunContext) => {
    const reply = await probe(ctx, 'POST /chat', 'chat', { body: aQuestion(ctx) });
    return { reply, ...analyseStream(reply.text) };
  });
  return [
    {
      name: 'stream: status 200 and SSE headers',
      async run(ctx) {
        const { reply } = await call(ctx);
        const h = reply.headers;
        requireNone([
          ...(reply.status === 200 ? [] : [`status ${reply.status}, want 200: ${reply.text.slice(0, 200)}`]),
          ...contentTypeProblems(h, 'text/event-stream'),
          ...(/no-cache/i.test(h.get('cache-control') ?? '') ? [] : [`Cache-Control is "${h.get('cache-control')}", want no-cache`]),
          ...(h.get('x-accel-buffering')?.toLowerCase() === 'no' ? [] : [`X-Accel-Buffering is "${h.get('x-accel-buffering')}", want no`]),
        ]);
      },
    },
    {
      name: 'stream: every frame is exactly event:delta + one-line JSON data + blank line',
      async run(ctx) {
        const { reply, frames, comments, formatProblems } = await call(ctx);
        requireNone([...(reply.validUtf8 ? [] : ['the body is not valid UTF-8']), ...formatProblems]);
        return `${frames.length} frames${comments > 0 ? `, ${comments} keep-alive comments` : ''}`;
      },
    },
    {
      name: 'stream: frame fields are response:string, finished:boolean, global_output:object',
      async run(ctx) {
        requireNone((await call(ctx)).frames.flatMap(frameFieldProblems));
      },
    },
    {
      name: 'stream: frames before the last carry the pending global_output exactly',
      async run(ctx) {
        const { frames } = await call(ctx);
        requireNone(
          frames
            .slice(0, -1)
            .map((f, i) => [i, f.global_output] as const)
            .filter(([, got]) => canonical(got) !== canonical(JSON.parse(PENDING)))
            .map(([i, got]) => `frame ${i + 1} global_output is ${JSON.stringify(got) ?? 'missing'}, want ${PENDING}`),
        );
      },
    },
    {
      name: 'stream: exactly one finished:true frame, and it is the last',
      async run(ctx) {
        const { frames } = await call(ctx);
        const finals = frames.flatMap((f, i) => (f.finished === true ? [i + 1] : []));
        requireNone([
          ...(finals.length === 1 ? [] : [`${finals.length} frames have finished:true (frames ${finals.join(', ') || 'none'}), want exactly 1`]),
          ...(frames.at(-1)?.finished === true ? [] : ['the last frame is not finished:true']),
        ]);
      },
    },
    {
      name: 'stream: final global_output is {answer_success:0|1, docs:[{doc_id,title,url}]}',
      async run(ctx) {
        const final = (await call(ctx)).frames.at(-1);
        if (!final?.global_output) return requireNone(['no final frame to check']);
        const go = final.global_output as Record<string, unknown>;
        const docs = Array.isArray(go.docs) ? (go.docs as Record<string, unknown>[]) : [];
        const answer = (await call(ctx)).frames.map((f) => f.response).join('');
        requireNone([
          ...(go.answer_success === 0 || go.answer_success === 1 ? [] : [`answer_success is ${JSON.stringify(go.answer_success)}, want 0 or 1`]),
          ...fieldType(go, 'docs', 'array', 'global_output'),
          ...docs.flatMap((d, i) => ['doc_id', 'title', 'url'].flatMap((k) => fieldType(d, k, 'string', `docs[${i}]`))),
          ...(go.answer_success === 1 && answer === '' ? ['answer_success 1 with an empty answer'] : []),
          ...(go.answer_success === 0 && final.response === '' ? ['answer_success 0 without an apology in the final response'] : []),
        ]);
        return `answer_success ${go.answer_success}, ${docs.length} docs, ${answer.length} chars`;
      },
    },
    {
      name: 'stream: pieces are well-formed (no split characters or lone surrogates)',
      async run(ctx) {
        requireNone(pieceProblems((await call(ctx)).frames.map((f) => (typeof f.response === 'string' ? f.response : ''))));
      },
    },
    {
      name: "stream: ends within Yishiting's 60 s",
      async run(ctx) {
        const { reply } = await call(ctx);
        requireNone(reply.totalMs < 60_000 ? [] : [`took ${Math.round(reply.totalMs)} ms`]);
        return `first bytes ${Math.round(reply.firstBytesMs ?? NaN)} ms, total ${Math.round(reply.totalMs)} ms`;
      },
    },
  ];
}
