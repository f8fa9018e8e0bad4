import { type Check, requireNone } from './check.js';
import { aQuestion, probe } from './probe.js';
import { errorReplyProblems, syncReplyProblems } from './reply-checks.js';

/** A caller hanging up mid-stream must not hurt the next call. */
export const hangUpCheck: Check = {
  name: 'hang-up: a caller leaving mid-stream, then the next call is answered',
  async run(ctx) {
    const cut = await probe(ctx, 'POST /chat (hung up)', 'chat', { body: aQuestion(ctx), hangUpAfterFrames: 1 });
    const problems = cut.status === 200 ? [] : [`the stream to hang up on answered ${cut.status}, want 200`];
    const next = await probe(ctx, 'POST /chat/sync after hang-up', 'chat/sync', { body: aQuestion(ctx) });
    requireNone([...problems, ...syncReplyProblems(next).map((p) => `after the hang-up: ${p}`)]);
  },
};

/** With `--token`, a call without it must be refused with 401. */
export const authCheck: Check = {
  name: 'auth: a call without the token → 401',
  async run(ctx) {
    const reply = await probe(ctx, 'sync without token', 'chat/sync', { body: aQuestion(ctx), auth: false });
    requireNone(errorReplyProblems(reply, 401));
  },
};

/** Runs last: every call of the run must have had its own trace id. */
export const traceIdCheck: Check = {
  name: 'trace ids: every call has an X-Trace-Id, unique per call',
  async run(ctx) {
    const seen = new Map<string, string>();
    const problems: string[] = [];
    for (const { id, call } of ctx.traceIds) {
      if (!id) problems.push(`${call}: no X-Trace-Id header`);
      else if (seen.has(id)) problems.push(`${call} reused the trace id of ${seen.get(id)}: ${id}`);
      else seen.set(id, call);
    }
    requireNone(problems);
    return `${seen.size} distinct ids over ${ctx.traceIds.length} calls`;
  },
};
