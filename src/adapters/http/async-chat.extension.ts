import type { AsyncChatUseCase } from '../../application/async-chat.use-case.js';
import type { HttpExtension } from './app.js';
import { RequestProblem } from './reply-table.js';

/**
 * `POST /chat/async`: the same body, validation and error replies as
 * `/chat/sync`, answered at once with
 * `{code:0, err_msg:"", is_async_response:true, third_party_trace_id}`; the
 * answer is pushed to `ASYNC_PUSH_URL` later. Without a push URL (`useCase`
 * undefined) the route exists but answers 503 saying why, so a caller learns
 * what to configure instead of meeting a bare 404.
 */
export function asyncChatExtension(useCase: AsyncChatUseCase | undefined): HttpExtension {
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
          useCase?.accept(turn);
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
