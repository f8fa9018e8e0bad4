import type { AsyncChatUseCase } from '../../application/async-chat.use-case.js';
import type { HttpExtension } from './app.js';
import type { TurnOptions } from './chat.routes.js';
import { RequestProblem } from './reply-table.js';
import { enterGate } from './turn-gate.js';

/**
 * `POST /chat/async`: the same body, validation and error replies as
 * `/chat/sync`, answered at once with
 * `{code:0, err_msg:"", is_async_response:true, third_party_trace_id}`; the
 * answer is pushed to `ASYNC_PUSH_URL` later. Without a push URL (`useCase`
 * undefined) the route exists but answers 503 saying why, so a caller learns
 * what to configure instead of meeting a bare 404.
 *
 * Async turns count against `MAX_CONCURRENT_TURNS` like the others, from
 * acceptance until their answer is ready: past the limit the call is refused
 * at once (503, code 50301) rather than accepted and left to queue, so
 * nothing acknowledged is ever dropped. At shutdown they are cut like the
 * others, and the apology is what gets pushed.
 */
export function asyncChatExtension(
  useCase: AsyncChatUseCase | undefined,
  options: Pick<TurnOptions, 'gate' | 'cutSignal'> = {},
): HttpExtension {
  return {
    routes(router, chat) {
      router.post(
        '/chat/async',
        async (_ctx, next) => {
          if (!useCase) {
            throw new RequestProblem('unavailable', '/chat/async is disabled: ASYNC_PUSH_URL is not configured');
          }
          await next();
        },
        chat.json,
        (ctx) => {
          const turn = chat.turnOf(ctx);
          const release = enterGate(options.gate);
          if (!release) throw new RequestProblem('busy', undefined, { 'Retry-After': '1' });
          useCase?.accept(turn, { answered: release, ...(options.cutSignal ? { signal: options.cutSignal } : {}) });
          ctx.state.outcome = 'accepted';
          ctx.status = 200;
          ctx.type = 'application/json; charset=utf-8';
          ctx.body = { code: 0, err_msg: '', is_async_response: true, third_party_trace_id: ctx.state.traceId };
          ctx.state.firstFrameAt = Date.now();
        },
      );
    },
  };
}
