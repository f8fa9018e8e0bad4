import type { Socket } from 'node:net';
import type { ParameterizedContext } from 'koa';
import type { StreamChatUseCase } from '../../application/stream-chat.use-case.js';
import type { SyncChatUseCase } from '../../application/sync-chat.use-case.js';
import type { ChatTurn } from '../../domain/chat-turn.js';
import { EMPTY_RECALL, retrievalPath } from '../../domain/recall-result.js';
import type { TurnOutcome, TurnSink } from '../../domain/turn-event.js';
import { CallerGone } from '../../domain/turn-failure.js';
import type { CallState } from './call-state.js';
import { finalFrame, sseFrame, syncReply } from './protocol-encoder.js';
import { SseWriter, type StreamObserver } from './sse-writer.js';
import { enterGate, type TurnGate } from './turn-gate.js';

export type CallContext = ParameterizedContext<CallState>;

/** How the chat routes run a turn; everything but `slowReaderMs` is optional. */
export interface TurnOptions {
  /** How long a stream may wait for a reader that does not read before it is dropped. */
  readonly slowReaderMs: number;
  /** Idle time after which a stream sends a `: keep-alive` comment; 0 or unset is off. */
  readonly keepAliveMs?: number;
  /** Aborts with a `TurnFailure` when running turns must end now (shutdown): they end with an apology. */
  readonly cutSignal?: AbortSignal;
  /** Refuses turns past the concurrency limit with the `busy` reply. */
  readonly gate?: TurnGate;
  /** Told when a stream opens and closes (the open-streams gauge). */
  readonly streams?: StreamObserver;
}

const BUSY: TurnOutcome = { answered: false, failure: 'busy', recall: EMPTY_RECALL };

/** `POST /chat`: the turn as SSE frames, written as each piece is produced. */
export async function streamChat(
  ctx: CallContext,
  turn: ChatTurn,
  useCase: StreamChatUseCase,
  options: TurnOptions,
): Promise<void> {
  const release = enterGate(options.gate);
  const signal = callerSignal(ctx, options.cutSignal);
  const sse = new SseWriter(ctx.res, options.slowReaderMs, { keepAliveMs: options.keepAliveMs, observer: options.streams });
  ctx.respond = false; // we own the socket from here; Koa must not write a body
  ctx.status = 200;
  sse.open();
  let outcome: TurnOutcome | undefined;
  const sink: TurnSink = (event) => {
    ctx.state.firstFrameAt ??= Date.now();
    if (event.kind === 'piece') return sse.write(sseFrame(event.text, false)); // a promise only while the reader lags
    outcome = event.outcome;
    sse.finish(finalFrame(outcome));
  };
  try {
    // Over the limit: a one-frame answer now rather than a queue that runs past the deadline.
    if (release) await useCase.execute(turn, signal, sink);
    else sink({ kind: 'end', outcome: BUSY });
  } catch (error) {
    if (!(error instanceof CallerGone) && !signal.aborted && sse.usable && !outcome) {
      // The use case always ends with an outcome; this is a last line of defence.
      const fallback: TurnOutcome = { answered: false, failure: 'internal', recall: { docs: [], ok: false } };
      outcome = fallback;
      try {
        sse.finish(finalFrame(fallback));
      } catch {
        // the caller is gone as well: nothing left to tell
      }
      ctx.state.failure = error;
    }
  } finally {
    release?.();
    ctx.state.turn = outcome;
    ctx.state.outcome = outcome ? describeOutcome(outcome) : 'caller_hung_up';
    sse.end();
  }
}

/** `POST /chat/sync`: the whole answer as one JSON reply. */
export async function syncChat(
  ctx: CallContext,
  turn: ChatTurn,
  useCase: SyncChatUseCase,
  options: Partial<TurnOptions> = {},
): Promise<void> {
  const release = enterGate(options.gate);
  const signal = callerSignal(ctx, options.cutSignal);
  try {
    const answer = release ? await useCase.execute(turn, signal) : { text: '', outcome: BUSY };
    ctx.state.turn = answer.outcome;
    ctx.state.outcome = describeOutcome(answer.outcome);
    ctx.status = 200;
    ctx.type = 'application/json; charset=utf-8';
    // Not part of the protocol (Yishiting ignores it): why the turn ended, for `npm run eval` and operators' scripts.
    ctx.set('X-Answer-Reason', answer.outcome.reason ?? describeOutcome(answer.outcome));
    // Likewise: which retrieval found the cited document (`lexical`, `vector`, `both`, `+reranked`).
    const path = answer.outcome.answered ? retrievalPath(answer.outcome.recall.docs[0]) : '';
    if (path) ctx.set('X-Answer-Found-By', path);
    ctx.body = syncReply(answer, turn.traceId);
    ctx.state.firstFrameAt = Date.now();
  } catch (error) {
    if (!(error instanceof CallerGone)) throw error;
    ctx.state.outcome = 'caller_hung_up';
    ctx.respond = false;
  } finally {
    release?.();
  }
}

/**
 * The signal the turns of a connection run under: the caller hanging up (its
 * socket closing) or `cut` (shutdown). One controller per connection rather
 * than per call — HTTP/1.1 answers a connection's calls one after another, so
 * a closed socket means whichever turn runs on it lost its caller — which
 * spares a keep-alive connection (Yishiting's, a proxy's) a controller and
 * three listeners per call. Hand-wired rather than `AbortSignal.any`, whose
 * listeners on a long-lived signal leaked on some Node 20 releases.
 */
function callerSignal(ctx: CallContext, cut: AbortSignal | undefined): AbortSignal {
  const socket = ctx.req.socket;
  let signal = CALLER_SIGNALS.get(socket);
  if (signal) return signal;
  const caller = new AbortController();
  signal = caller.signal;
  CALLER_SIGNALS.set(socket, signal);
  const onCut = () => caller.abort(cut?.reason);
  socket.once('close', () => {
    cut?.removeEventListener('abort', onCut);
    caller.abort(CONNECTION_CLOSED);
  });
  if (cut?.aborted) onCut();
  else cut?.addEventListener('abort', onCut, { once: true });
  return signal;
}

const CALLER_SIGNALS = new WeakMap<Socket, AbortSignal>();

/**
 * Shared: most connections close with no turn running, and a turn that was
 * running makes its own `CallerGone` (an `Error` per close would capture a stack for nothing).
 */
const CONNECTION_CLOSED = new CallerGone();

function describeOutcome(outcome: TurnOutcome): string {
  return outcome.failure ?? (outcome.answered ? 'answered' : 'not_answered');
}
