/**
 * The framework's own cost: bare Koa + @koa/router + koa-bodyparser answering
 * `POST /chat/sync` with the floor's JSON reply (`syncReply`, the same answer
 * folded the same way) and a trace id header, nothing else: no validation,
 * DI, logging, metrics or turn. The throughput benchmark reports the service
 * against this as well as against the bare `node:http` floor, so a reader can
 * tell what Koa costs from what the service adds on top.
 *
 * Reads PORT, HOST, MOCK_LLM_DELAY_MS and MOCK_LLM_ANSWER like the floor.
 */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { DEFAULT_MOCK_ANSWER } from '../src/config/sections/llm.section.js';
import { syncReply, type FloorOptions } from './floor-server.js';

export function createKoaFloor(options: FloorOptions): Koa {
  const app = new Koa();
  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.post('/chat/sync', async (ctx) => {
    const traceId = randomUUID();
    ctx.set('X-Trace-Id', traceId);
    ctx.body = await syncReply(options, ctx.request.body as { content?: string }, traceId);
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '64kb' }));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}

const app = createKoaFloor({
  delayMs: Number(process.env.MOCK_LLM_DELAY_MS ?? 20),
  answer: process.env.MOCK_LLM_ANSWER ?? DEFAULT_MOCK_ANSWER,
});
const server = app.listen({ port: Number(process.env.PORT ?? 8091), host: process.env.HOST ?? '127.0.0.1', backlog: 4096 });
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => process.exit(0));
