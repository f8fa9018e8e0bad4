import type { ParameterizedContext } from 'koa';
import type { StreamChatUseCase } from '../../application/stream-chat.use-case.js';
import type { SyncChatUseCase } from '../../application/sync-chat.use-case.js';
import type { ChatTurn } from '../../domain/chat-turn.js';
import type { TurnOutcome } from '../../domain/turn-event.js';
import { CallerGone } from '../../domain/turn-failure.js';
import type { CallState } from './call-state.js';
import { finalFrame, sseFrame, syncReply } from './protocol-encoder.js';
import { SseWriter } from './sse-writer.js';

export type CallContext = ParameterizedContext<CallState>;

/**
 * Aborts when the caller hangs up. `res` 'close' before the response has
 * ended is the hang-up; `req` 'close' fires as soon as the body is read.
 */
export function hangUpSignal(ctx: CallContext): AbortSignal {
  const hangUp = new AbortController();
  ctx.res.once('close', () => {
    if (!ctx.res.writableEnded) hangUp.abort(new CallerGone());
  });
  return hangUp.signal;
}

/** `POST /chat`: the turn as SSE frames, written as each piece is produced. */
export async function streamChat(
  ctx: CallContext,
  turn: ChatTurn,
  useCase: StreamChatUseCase,
  slowReaderMs: number,
): Promise<void> {
  const signal = hangUpSignal(ctx);
  const sse = new SseWriter(ctx.res, slowReaderMs);
  ctx.respond = false; // we own the socket from here; Koa must not write a body
  ctx.status = 200;
  sse.open();
  let outcome: TurnOutcome | undefined;
  try {
    for await (const event of useCase.execute(turn, signal)) {
      if (event.kind === 'piece') {
        await sse.write(sseFrame(event.text, false));
      } else {
        outcome = event.outcome;
        await sse.write(finalFrame(outcome));
      }
      ctx.state.firstFrameAt ??= Date.now();
    }
  } catch (error) {
    if (!(error instanceof CallerGone) && !signal.aborted && sse.usable && !outcome) {
      // The use case always ends with an outcome; this is a last line of defence.
      const fallback: TurnOutcome = { answered: false, failure: 'internal', recall: { docs: [], ok: false } };
      outcome = fallback;
      await sse.write(finalFrame(fallback)).catch(() => undefined);
      ctx.state.failure = error;
    }
  } finally {
    ctx.state.outcome = outcome ? describeOutcome(outcome) : 'caller_hung_up';
    sse.end();
  }
}

/** `POST /chat/sync`: the whole answer as one JSON reply. */
export async function syncChat(ctx: CallContext, turn: ChatTurn, useCase: SyncChatUseCase): Promise<void> {
  const signal = hangUpSignal(ctx);
  try {
    const answer = await useCase.execute(turn, signal);
    ctx.state.outcome = describeOutcome(answer.outcome);
    ctx.status = 200;
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = syncReply(answer, turn.traceId);
    ctx.state.firstFrameAt = Date.now();
  } catch (error) {
    if (!(error instanceof CallerGone)) throw error;
    ctx.state.outcome = 'caller_hung_up';
    ctx.respond = false;
  }
}

function describeOutcome(outcome: TurnOutcome): string {
  return outcome.failure ?? (outcome.answered ? 'answered' : 'not_answered');
}
