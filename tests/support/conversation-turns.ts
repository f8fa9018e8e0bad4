import { ConversationMemory, type MemoryPolicy } from '../../src/application/conversation-memory.js';
import { IdempotentTurns, type IdempotencyPolicy } from '../../src/application/idempotent-turns.js';
import { PromptBuilder } from '../../src/application/prompt-builder.js';
import { StreamChatUseCase } from '../../src/application/stream-chat.use-case.js';
import { SyncChatUseCase } from '../../src/application/sync-chat.use-case.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';
import { FakeConversationStore } from '../fakes/fake-conversation-store.fake.js';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import type { LlmPort } from '../../src/application/ports/llm.port.js';

/** Both use cases built with `new` around a fake store, with memory and idempotency switched on. */
export function rememberingUseCases(
  llm: LlmPort,
  options: {
    store?: FakeConversationStore;
    memory?: Partial<MemoryPolicy>;
    idempotency?: Partial<IdempotencyPolicy>;
    deadlineMs?: number;
  } = {},
) {
  const log = new CapturingLogger();
  const store = options.store ?? new FakeConversationStore();
  const deadlineMs = options.deadlineMs ?? 5000;
  const memory = new ConversationMemory(store, { maxTurns: 10, historyChars: 4000, ttlMs: 60_000, ...options.memory }, log);
  const idempotency = new IdempotentTurns(store, { ttlMs: 60_000, deadlineMs, leaseMs: 5000, pollMs: 10, ...options.idempotency }, log);
  const stream = new StreamChatUseCase(
    llm,
    new FakeKnowledgeBase(),
    new PromptBuilder({ systemPrompt: 'system', maxContextChars: 1000 }),
    { deadlineMs, unsupportedMsgTypeReply: '只支持文字' },
    log,
    memory,
    idempotency,
  );
  return { stream, sync: new SyncChatUseCase(stream), store, log };
}
