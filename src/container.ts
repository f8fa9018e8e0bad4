import 'reflect-metadata';
import { Container } from 'inversify';
import { HttpKnowledgeBase } from './adapters/knowledge-base/http-knowledge-base.adapter.js';
import { kbIndexDir, LocalKnowledgeBase } from './adapters/knowledge-base/local-knowledge-base.adapter.js';
import { SemanticRetrieval } from './adapters/knowledge-base/retrieval/semantic-retrieval.js';
import { MockKnowledgeBase } from './adapters/knowledge-base/mock-knowledge-base.adapter.js';
import { ExtractiveLlm } from './adapters/llm/extractive-llm.adapter.js';
import { MockLlm } from './adapters/llm/mock-llm.adapter.js';
import { OpenAiLlm } from './adapters/llm/openai-llm.adapter.js';
import { WinstonLogger } from './adapters/logging/winston-logger.adapter.js';
import { HttpReplyPusher } from './adapters/push/http-reply-pusher.adapter.js';
import { MemoryConversationStore } from './adapters/store/memory-conversation.store.js';
import { REDIS_CLIENT, REDIS_CONNECTION, RedisConnection } from './adapters/store/redis-client.js';
import { RedisConversationStore } from './adapters/store/redis-conversation.store.js';
import { AsyncChatUseCase } from './application/async-chat.use-case.js';
import { ConversationMemory } from './application/conversation-memory.js';
import { IdempotentTurns } from './application/idempotent-turns.js';
import type { ConversationStore } from './application/ports/conversation-store.port.js';
import type { KnowledgeBasePort } from './application/ports/knowledge-base.port.js';
import type { LlmPort } from './application/ports/llm.port.js';
import type { LoggerPort } from './application/ports/logger.port.js';
import type { ReplyPusher } from './application/ports/reply-pusher.port.js';
import { TOKENS } from './application/ports/tokens.js';
import { DEFAULT_SYSTEM_PROMPT, PromptBuilder } from './application/prompt-builder.js';
import { StreamChatUseCase } from './application/stream-chat.use-case.js';
import { SyncChatUseCase } from './application/sync-chat.use-case.js';
import { DEFAULT_NO_ANSWER_REPLY, DEFAULT_UNSUPPORTED_MSG_TYPE_REPLY } from './application/turn-policy.js';
import type { Config } from './config/config.js';
import { configuredSecrets } from './config/redact.js';
import { DEFAULT_NO_RECALL_REPLY } from './config/sections/kb.section.js';
import { recordsSecrets } from './config/sections/records.section.js';

/** Overrides for tests: a fake port or a logger that writes where the test reads. */
export interface ContainerOverrides {
  readonly llm?: LlmPort;
  readonly knowledgeBase?: KnowledgeBasePort;
  readonly logger?: LoggerPort;
  readonly conversationStore?: ConversationStore;
  readonly replyPusher?: ReplyPusher;
}

/** LLM adapters by `LLM_PROVIDER`. A new provider is one adapter file and one line here. */
const LLM_PROVIDERS: Record<string, (config: Config, log: LoggerPort) => LlmPort> = {
  mock: (c) => new MockLlm({ delayMs: c.llm.mockDelayMs, answer: c.llm.mockAnswer }),
  extractive: (c) => new ExtractiveLlm({ delayMs: c.kb.extractiveDelayMs, maxChars: c.kb.extractiveMaxChars }),
  openai: (c, log) => new OpenAiLlm({ ...c.llm, baseUrl: c.llm.baseUrl ?? '', model: c.llm.model ?? '', log }),
};

/** Knowledge-base adapters by `KB_PROVIDER`. */
const KB_PROVIDERS: Record<string, (config: Config, log: LoggerPort) => KnowledgeBasePort> = {
  mock: () => new MockKnowledgeBase(),
  local: (c, log) => {
    const semantic = SemanticRetrieval.fromConfig(c.semantic, log);
    return new LocalKnowledgeBase({
      ...c.kb,
      indexDir: kbIndexDir(c.kb, c.records.dataDir),
      log,
      ...(semantic ? { semantic, fusion: c.semantic.fusion } : {}),
    });
  },
  http: (c, log) => new HttpKnowledgeBase({ ...c.kb, url: c.kb.url ?? '', log }),
};

/**
 * The composition root: the only place that picks adapters. Everything is a
 * singleton; per-call state lives in each call of a use case.
 */
export function buildContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  const log = overrides.logger ?? new WinstonLogger({ level: config.server.logLevel, format: config.server.logFormat, secrets: [...configuredSecrets(config), ...recordsSecrets(config.records)] });
  container.bind(TOKENS.Logger).toConstantValue(log);
  container.bind(TOKENS.Llm).toConstantValue(overrides.llm ?? pick(LLM_PROVIDERS, config.llm.provider)(config, log));
  container
    .bind(TOKENS.KnowledgeBase)
    .toConstantValue(overrides.knowledgeBase ?? pick(KB_PROVIDERS, config.kb.provider)(config, log));
  container.bind(TOKENS.TurnPolicy).toConstantValue({
    deadlineMs: config.server.deadlineMs,
    answerMaxChars: config.server.answerMaxChars,
    intents: config.answers,
    unsupportedMsgTypeReply: DEFAULT_UNSUPPORTED_MSG_TYPE_REPLY,
    // One reply for "not found"; KB_NO_RECALL_REPLY, its older name, still counts when an operator set it.
    noAnswerReply:
      config.answers.noAnswerReply ??
      (config.kb.noRecallReply !== DEFAULT_NO_RECALL_REPLY ? config.kb.noRecallReply : DEFAULT_NO_ANSWER_REPLY),
    // With a reranker, its score is what the thresholds read, on its own scale.
    minScore: config.semantic.rerank?.minScore ?? config.kb.minScore,
    // The extractive model can only quote documents: with none it has nothing to say, so it is never asked.
    noRecallAskModel: config.answers.noRecallAskModel && (overrides.llm !== undefined || config.llm.provider !== 'extractive'),
    faqDirect: config.semantic.rerank ? { ...config.answers.faqDirect, score: config.semantic.rerank.faqDirectScore } : config.answers.faqDirect,
    rewrite: config.answers.rewrite,
  });
  container.bind(TOKENS.PromptBuilder).toConstantValue(
    new PromptBuilder({ systemPrompt: config.llm.systemPrompt ?? DEFAULT_SYSTEM_PROMPT, maxContextChars: config.llm.contextMaxChars }),
  );
  bindConversationState(container, config, overrides, log);
  container.bind(StreamChatUseCase).toSelf();
  container.bind(SyncChatUseCase).toSelf();
  return container;
}

function pick<T>(table: Record<string, T>, name: string): T {
  const found = table[name];
  if (!found) throw new Error(`no adapter for provider "${name}" (known: ${Object.keys(table).join(', ')})`);
  return found;
}

/**
 * Memory, idempotency and async delivery. With `SESSION_STORE=redis` the
 * ioredis client is also bound as `REDIS_CLIENT` for other shared state
 * (it is `undefined` with the memory store).
 */
function bindConversationState(container: Container, config: Config, overrides: ContainerOverrides, log: LoggerPort): void {
  const c = config.conversation;
  const redis =
    c.store === 'redis' && !overrides.conversationStore && c.redisUrl
      ? new RedisConnection({ url: c.redisUrl, commandTimeoutMs: c.redisCommandTimeoutMs }, log)
      : undefined;
  container.bind(REDIS_CONNECTION).toConstantValue(redis);
  container.bind(REDIS_CLIENT).toConstantValue(redis?.client);
  const store =
    overrides.conversationStore ??
    (redis ? new RedisConversationStore(redis, c.redisKeyPrefix) : new MemoryConversationStore(c.maxSessions));
  container.bind(TOKENS.ConversationStore).toConstantValue(store);
  container
    .bind(TOKENS.ConversationMemory)
    .toConstantValue(new ConversationMemory(store, { maxTurns: c.maxTurns, historyChars: c.historyChars, ttlMs: c.ttlMs }, log));
  container
    .bind(TOKENS.IdempotentTurns)
    .toConstantValue(new IdempotentTurns(store, { ttlMs: c.idempotencyTtlMs, deadlineMs: config.server.deadlineMs, leaseMs: c.idempotencyLeaseMs, pollMs: 100 }, log));
  const pusher =
    overrides.replyPusher ??
    (c.asyncPushUrl
      ? new HttpReplyPusher(
          { url: c.asyncPushUrl, attempts: c.asyncPushAttempts, backoffMs: c.asyncPushBackoffMs, timeoutMs: c.asyncPushTimeoutMs },
          log,
        )
      : undefined);
  if (pusher) {
    container.bind(TOKENS.ReplyPusher).toConstantValue(pusher);
    container.bind(AsyncChatUseCase).toDynamicValue((ctx) => new AsyncChatUseCase(ctx.get(SyncChatUseCase), pusher, log));
  }
}
