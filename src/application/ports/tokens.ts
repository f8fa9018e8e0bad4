import type { ServiceIdentifier } from 'inversify';
import type { ConversationMemory } from '../conversation-memory.js';
import type { IdempotentTurns } from '../idempotent-turns.js';
import type { PromptBuilder } from '../prompt-builder.js';
import type { TurnPolicy } from '../turn-policy.js';
import type { ConversationStore } from './conversation-store.port.js';
import type { KnowledgeBasePort } from './knowledge-base.port.js';
import type { LlmPort } from './llm.port.js';
import type { LoggerPort } from './logger.port.js';
import type { ReplyPusher } from './reply-pusher.port.js';

/** Typed DI tokens: the only way the container and the classes it builds name each other. */
export const TOKENS = {
  Llm: Symbol.for('LlmPort') as ServiceIdentifier<LlmPort>,
  KnowledgeBase: Symbol.for('KnowledgeBasePort') as ServiceIdentifier<KnowledgeBasePort>,
  Logger: Symbol.for('LoggerPort') as ServiceIdentifier<LoggerPort>,
  TurnPolicy: Symbol.for('TurnPolicy') as ServiceIdentifier<TurnPolicy>,
  PromptBuilder: Symbol.for('PromptBuilder') as ServiceIdentifier<PromptBuilder>,
  ConversationStore: Symbol.for('ConversationStore') as ServiceIdentifier<ConversationStore>,
  ConversationMemory: Symbol.for('ConversationMemory') as ServiceIdentifier<ConversationMemory>,
  IdempotentTurns: Symbol.for('IdempotentTurns') as ServiceIdentifier<IdempotentTurns>,
  /** Bound only when `ASYNC_PUSH_URL` is set. */
  ReplyPusher: Symbol.for('ReplyPusher') as ServiceIdentifier<ReplyPusher>,
} as const;
