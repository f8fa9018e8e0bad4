import type { LlmPort } from '../../src/application/ports/llm.port.js';
import { PromptBuilder } from '../../src/application/prompt-builder.js';
import { StreamChatUseCase } from '../../src/application/stream-chat.use-case.js';
import { SyncChatUseCase } from '../../src/application/sync-chat.use-case.js';
import type { TurnPolicy } from '../../src/application/turn-policy.js';
import type { ChatTurn } from '../../src/domain/chat-turn.js';
import type { TurnEvent } from '../../src/domain/turn-event.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';

export function aTurn(overrides: Partial<ChatTurn> = {}): ChatTurn {
  return {
    traceId: 'trace-1',
    user: 'zhangsan',
    msgType: 'text',
    content: '怎么配置回调地址？',
    businessKeys: [],
    receivedAt: Date.now(),
    ...overrides,
  };
}

/** Both use cases wired with `new` around the given fakes. */
export function useCases(
  llm: LlmPort,
  options: { kb?: FakeKnowledgeBase; policy?: Partial<TurnPolicy> } = {},
) {
  const log = new CapturingLogger();
  const kb = options.kb ?? new FakeKnowledgeBase();
  const stream = new StreamChatUseCase(
    llm,
    kb,
    new PromptBuilder({ systemPrompt: 'system', maxContextChars: 1000 }),
    { deadlineMs: 5000, unsupportedMsgTypeReply: '只支持文字', ...options.policy },
    log,
  );
  return { stream, sync: new SyncChatUseCase(stream), log, kb };
}

/** Every event the use case hands over for `turn`, in order. */
export async function collect(stream: StreamChatUseCase, turn: ChatTurn, signal: AbortSignal): Promise<TurnEvent[]> {
  const all: TurnEvent[] = [];
  await stream.execute(turn, signal, (e) => {
    all.push(e);
  });
  return all;
}
