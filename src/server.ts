import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpApp } from './adapters/http/app.js';
import { protocolClientError } from './adapters/http/client-error.js';
import { asyncChatExtension } from './adapters/http/async-chat.extension.js';
import { buildHardening } from './adapters/http/hardening.js';
import { playgroundExtension } from './adapters/http/playground/playground.extension.js';
import type { ServiceLifecycle } from './adapters/http/service-lifecycle.js';
import { buildRecords } from './adapters/records/records.factory.js';
import { LocalKnowledgeBase } from './adapters/knowledge-base/local-knowledge-base.adapter.js';
import { REDIS_CONNECTION } from './adapters/store/redis-client.js';
import { AsyncChatUseCase } from './application/async-chat.use-case.js';
import type { LoggerPort } from './application/ports/logger.port.js';
import { TOKENS } from './application/ports/tokens.js';
import { StreamChatUseCase } from './application/stream-chat.use-case.js';
import { SyncChatUseCase } from './application/sync-chat.use-case.js';
import type { Config } from './config/config.js';
import { buildContainer, type ContainerOverrides } from './container.js';

/** A started service: where it listens and how to stop it. */
export interface RunningService {
  readonly server: Server;
  readonly url: string;
  readonly log: LoggerPort;
  /** Stopping state: `/ready` fails once it begins; routes end their turns when it cuts them. */
  readonly lifecycle: ServiceLifecycle;
  /** Closes at once (tests). */
  close(): Promise<void>;
  /**
   * Graceful stop: refuses new connections, fails `/ready`, lets calls finish
   * for up to `drainMs`, then ends what is left with a final frame.
   */
  shutdown(drainMs: number): Promise<'drained' | 'cut'>;
}

/** Builds the app from config and listens. Used by `main.ts` and by the integration tests (port 0). */
export async function startService(config: Config, overrides: ContainerOverrides = {}): Promise<RunningService> {
  const container = buildContainer(config, overrides);
  const log = container.get(TOKENS.Logger);
  const redis = container.get(REDIS_CONNECTION);
  // Turn records feed on the same stream use case; `/ready` shows how writing them fares (never failing it).
  const records = buildRecords(config, container.get(StreamChatUseCase), log);
  const hardening = buildHardening(config, {
    log,
    adapters: { knowledge_base: container.get(TOKENS.KnowledgeBase), llm: container.get(TOKENS.Llm), ...(records ? { turn_records: records.writer } : {}) },
    redis: redis?.client,
  });
  records?.registerMetrics(hardening.metrics.registry);
  const knowledgeBase = container.get(TOKENS.KnowledgeBase);
  if (knowledgeBase instanceof LocalKnowledgeBase) knowledgeBase.registerMetrics(hardening.metrics.registry);
  // Absent without ASYNC_PUSH_URL: /chat/async then answers 503 saying so.
  // With records on, async turns run through the recording sync use case, so they are recorded like the others.
  const asyncChat = !container.isBound(AsyncChatUseCase)
    ? undefined
    : records
      ? new AsyncChatUseCase(records.syncChat, container.get(TOKENS.ReplyPusher), log)
      : container.get(AsyncChatUseCase);
  const app = createHttpApp({
    streamChat: records?.streamChat ?? container.get(StreamChatUseCase),
    syncChat: records?.syncChat ?? container.get(SyncChatUseCase),
    log,
    // Liveness stays 200 while Redis is down (turns are still answered); this shows it.
    health: () => ({ session_store: redis ? { store: 'redis', ...redis.health() } : { store: 'memory', ok: true } }),
    options: {
      bodyLimitBytes: config.server.bodyLimitBytes,
      maxContentChars: config.server.maxContentChars,
      ...hardening.turnOptions,
    },
    extensions: [
      ...hardening.extensions,
      playgroundExtension({ enabled: config.tools.playgroundEnabled }),
      asyncChatExtension(asyncChat, hardening.turnOptions),
      ...(records?.extensions ?? []),
    ],
  });
  // A request whose headers or body never finish (a partial body then silence, one byte every
  // few seconds) is dropped REQUEST_TIMEOUT_MS after it began; Node checks its open requests every
  // second here (its default is every 30 s). Once the body is in, the turn's own deadline bounds the rest.
  const server = createServer({ requestTimeout: config.server.requestTimeoutMs, connectionsCheckingInterval: 1000 }, app.callback());
  // Idle keep-alive must outlast a typical 60 s proxy timeout, so proxies close idle connections first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = config.server.requestTimeoutMs;
  // What Node refuses itself (malformed HTTP, oversized headers, a request timed out) gets the protocol's JSON error too.
  server.on('clientError', protocolClientError);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Node's default accept backlog (511) overflows when Yishiting opens many streams at once: the
    // kernel then drops SYNs and the caller retries after 1 s, 3 s, 7 s (seen in `npm run bench`).
    // The kernel caps this at net.core.somaxconn.
    server.listen({ port: config.server.port, host: config.server.host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  /** Frees what outlives the server: the Redis connection, the knowledge folder's watcher. */
  const release = async () => {
    if ('close' in knowledgeBase && typeof knowledgeBase.close === 'function') knowledgeBase.close();
    await records?.writer.close();
    await redis?.close();
  };
  const { port } = server.address() as AddressInfo;
  const host = config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    log,
    lifecycle: hardening.lifecycle,
    shutdown: async (drainMs) => {
      const began = Date.now();
      let how = await hardening.lifecycle.drain(server, drainMs);
      // Turns accepted on /chat/async share the drain: those still running when it runs out are cut
      // like the others (their apology is what gets pushed); then every answer owed is delivered, bounded.
      if (asyncChat) {
        if (!(await settlesWithin(asyncChat.idle(), drainMs - (Date.now() - began)))) {
          hardening.lifecycle.cutTurns();
          how = 'cut';
          if (!(await settlesWithin(asyncChat.idle(), drainMs))) {
            log.warn('async deliveries still pending at exit', { pending: asyncChat.inFlight });
          }
        }
      }
      await release();
      return how;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Clients that keep idle sockets (browsers) would hold close() open for the keep-alive timeout.
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }).then(release),
  };
}

/** Whether `work` settles within `ms` (a timer's turn when `ms` <= 0). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const patience = new AbortController();
  try {
    return await Promise.race([work.then(() => true), sleep(Math.max(0, ms), false, { signal: patience.signal })]);
  } finally {
    patience.abort();
  }
}
