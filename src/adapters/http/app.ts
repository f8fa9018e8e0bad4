import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import getRawBody from 'raw-body';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { StreamChatUseCase } from '../../application/stream-chat.use-case.js';
import type { SyncChatUseCase } from '../../application/sync-chat.use-case.js';
import type { ChatTurn } from '../../domain/chat-turn.js';
import type { CallState } from './call-state.js';
import { ROUTER_OPTIONS } from './chat-paths.js';
import { streamChat, syncChat, type CallContext, type TurnOptions } from './chat.routes.js';
import { errorReply } from './protocol-encoder.js';
import { REPLIES, RequestProblem } from './reply-table.js';
import { ChatRequestParser } from './request-schema.js';
import { CLIENT_CLOSED_REQUEST } from './client-error.js';
import { newTraceId } from './trace-id.js';

declare module 'koa' {
  interface Request {
    // Spelled exactly as @types/koa-bodyparser does (the bench's bare-Koa floor uses that parser),
    // since two declarations of one property must agree.
    /* eslint-disable @typescript-eslint/no-empty-object-type */
    /** The parsed JSON body of a chat call (set by the body reader). */
    body: {} | null | undefined;
    /** The body as UTF-8 text. */
    rawBody: {} | null | undefined;
    /* eslint-enable @typescript-eslint/no-empty-object-type */
    /** The body's bytes as received: what a signature is computed over. */
    rawBytes?: Buffer;
  }
}

export interface HttpAppOptions extends TurnOptions {
  readonly bodyLimitBytes: number;
  readonly maxContentChars: number;
}

/** How extra routes read a chat body exactly as `/chat` does. */
export interface ChatInput {
  /** Middleware: 415 unless JSON, 413 past the limit, 400 on malformed JSON. */
  readonly json: Middleware<CallState>;
  /** Validates the parsed body (400 naming the field) and makes the turn. */
  turnOf(ctx: CallContext): ChatTurn;
}

/** A feature that plugs into the app without the app knowing it (auth, metrics, async, playground). */
export interface HttpExtension {
  /** Runs for every call, after the trace id and error replies are in place, in list order. */
  readonly middleware?: Middleware<CallState>;
  /** Runs on every chat body once parsed and before its turn (`ctx.request.rawBody` is set): signatures, rate limits. */
  readonly admission?: Middleware<CallState>;
  /** Adds routes. */
  routes?(router: Router<CallState>, chat: ChatInput): void;
}

export interface HttpAppDeps {
  readonly streamChat: StreamChatUseCase;
  readonly syncChat: SyncChatUseCase;
  readonly log: LoggerPort;
  readonly options: HttpAppOptions;
  /** Extra fields for `GET /health`. */
  readonly health?: () => Record<string, unknown>;
  readonly extensions?: readonly HttpExtension[];
}

/** The Koa app: routes Yishiting's callbacks to the use cases and speaks the protocol back. */
export function createHttpApp(deps: HttpAppDeps): Koa<CallState> {
  const app = new Koa<CallState>();
  const parser = new ChatRequestParser(deps.options.maxContentChars);
  const router = new Router<CallState>(ROUTER_OPTIONS);
  const startedAt = Date.now();

  const extensions = deps.extensions ?? [];
  const json = admitted(jsonBody(deps.options.bodyLimitBytes), extensions.flatMap((e) => e.admission ?? []));
  const turnOf = (ctx: CallContext) => parser.parse(ctx.request.body, ctx.state.traceId, ctx.state.startedAt);

  router.post('/chat', json, (ctx) => streamChat(ctx, turnOf(ctx), deps.streamChat, deps.options));
  router.post('/chat/sync', json, (ctx) => syncChat(ctx, turnOf(ctx), deps.syncChat, deps.options));
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok', uptime_s: Math.round((Date.now() - startedAt) / 1000), ...deps.health?.() };
  });
  for (const extension of extensions) extension.routes?.(router, { json, turnOf });

  app.use(callScope(deps.log));
  app.use(errorReplies(deps.log));
  for (const extension of extensions) if (extension.middleware) app.use(extension.middleware);
  app.use(async (ctx, next) => {
    await next();
    if (ctx.respond === false) return;
    if (ctx.status === 405 || ctx.status === 501) {
      const allow = ctx.response.get('Allow');
      throw new RequestProblem('method_not_allowed', `${ctx.method} is not allowed on ${ctx.path.slice(0, 200)}; allowed: ${allow}`);
    }
    if (ctx.status === 404 && ctx.body == null) throw new RequestProblem('not_found', `no route ${ctx.path.slice(0, 200)}`);
  });
  app.use(router.allowedMethods());
  app.use(router.routes());
  // Errors are answered by `errorReplies`; what reaches Koa is a socket that went away.
  app.on('error', (error: NodeJS.ErrnoException, ctx?: CallContext) =>
    deps.log.debug('socket error', { traceId: ctx?.state.traceId, error: error.code ?? error.message }),
  );
  return app;
}

/**
 * Gives the call its trace id and writes its one log line. Every other line
 * of the call carries the id explicitly (see `LoggerPort`), from
 * `ctx.state.traceId` here or `ChatTurn.traceId` further in.
 */
function callScope(log: LoggerPort): Middleware<CallState> {
  return async (ctx, next) => {
    const traceId = newTraceId();
    ctx.state.traceId = traceId;
    ctx.state.startedAt = Date.now();
    ctx.set('X-Trace-Id', traceId);
    try {
      await next();
    } finally {
      const { startedAt, firstFrameAt, outcome, failure } = ctx.state;
      log.info('call', {
        traceId,
        method: ctx.method,
        route: ctx.path,
        status: ctx.status,
        durationMs: Date.now() - startedAt,
        firstFrameMs: firstFrameAt === undefined ? undefined : firstFrameAt - startedAt,
        outcome,
        reason: ctx.state.turn?.reason,
        ...(failure ? { error: failure instanceof Error ? failure.message : String(failure) } : {}),
      });
    }
  };
}

/** Turns every error into the protocol's JSON error; nothing internal leaks into a reply. */
function errorReplies(log: LoggerPort): Middleware<CallState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const problem = asProblem(error);
      if (problem.kind === 'internal') {
        ctx.state.failure = error;
        log.error('unexpected error', { traceId: ctx.state.traceId, error: (error as Error)?.message, stack: (error as Error)?.stack });
      }
      if (ctx.headerSent) return;
      // The caller went away before any reply (mid-body, say): 499, as proxies log it, not Koa's default 404.
      if (!ctx.writable) {
        ctx.status = CLIENT_CLOSED_REQUEST;
        return;
      }
      ctx.status = REPLIES[problem.kind].status;
      for (const [name, value] of Object.entries(problem.headers)) ctx.set(name, value);
      ctx.body = errorReply(problem.kind, problem.detail, ctx.state.traceId);
    }
  };
}

/** Body-parser failures carry a status (co-body / raw-body); everything else is internal. */
function asProblem(error: unknown): RequestProblem {
  if (error instanceof RequestProblem) return error;
  const status = (error as { status?: number }).status;
  const type = (error as { type?: string }).type;
  if (status === 413 || type === 'entity.too.large') return new RequestProblem('payload_too_large');
  if (status === 415 || type === 'encoding.unsupported') {
    return new RequestProblem('unsupported_media_type', 'Content-Type charset must be utf-8');
  }
  if (status === 400) return new RequestProblem('bad_request', 'body: malformed JSON');
  return new RequestProblem('internal');
}

/**
 * Reads a chat body: JSON only (koa-bodyparser alone turned any other content
 * type into `{}`, then reported as missing fields), UTF-8 only (a `charset`
 * other than utf-8 is refused with 415 rather than decoded into U+FFFD, and
 * bytes that are not valid UTF-8 with 400), at most `limitBytes` (413). The
 * raw bytes stay on the request (`rawBytes`) for the signature check, which
 * must see what was sent, not text re-encoded from it.
 */
function jsonBody(limitBytes: number): Middleware<CallState> {
  return async (ctx, next) => {
    if (!ctx.is('application/json', '+json')) {
      throw new RequestProblem(
        'unsupported_media_type',
        `Content-Type must be application/json, got ${ctx.get('Content-Type').slice(0, 100) || 'none'}`,
      );
    }
    const charset = ctx.request.charset;
    if (charset && !/^utf-?8$/i.test(charset)) {
      throw new RequestProblem('unsupported_media_type', `Content-Type charset must be utf-8, got ${charset.slice(0, 40)}`);
    }
    const length = Number(ctx.get('Content-Length'));
    if (length > limitBytes) throw new RequestProblem('payload_too_large', `request body exceeds ${limitBytes} bytes`);
    const bytes = await readBody(ctx.req, Number.isFinite(length) && ctx.get('Content-Length') !== '' ? length : undefined, limitBytes);
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      throw new RequestProblem('bad_request', 'body: not valid UTF-8');
    }
    let parsed: unknown;
    try {
      // JSON.parse makes a `__proto__` key an own property like any other: nothing is polluted.
      parsed = JSON.parse(text);
    } catch {
      throw new RequestProblem('bad_request', 'body: malformed JSON');
    }
    const request = ctx.request;
    request.body = parsed;
    request.rawBody = text;
    request.rawBytes = bytes;
    await next();
  };
}

/** The body's bytes via raw-body (length-checked, limited); its failures as the protocol's refusals. */
async function readBody(req: CallContext['req'], length: number | undefined, limit: number): Promise<Buffer> {
  try {
    return await getRawBody(req, { length, limit });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw new RequestProblem('payload_too_large', `request body exceeds ${limit} bytes`);
    if (type === 'request.size.invalid') throw new RequestProblem('bad_request', 'body: shorter or longer than its Content-Length');
    throw error;
  }
}

/** Decodes UTF-8 strictly (invalid bytes throw) and drops a leading BOM. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The body parser followed by each admission check, as one middleware. */
function admitted(parse: Middleware<CallState>, checks: readonly Middleware<CallState>[]): Middleware<CallState> {
  if (checks.length === 0) return parse;
  return (ctx, next) =>
    parse(ctx, () => checks.reduceRight<() => Promise<unknown>>((rest, check) => () => check(ctx, rest), next)());
}
