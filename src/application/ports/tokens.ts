import type { ServiceIdentifier } from 'inversify';
import type { PromptBuilder } from '../prompt-builder.js';
import type { TurnPolicy } from '../turn-policy.js';
import type { KnowledgeBasePort } from './knowledge-base.port.js';
import type { LlmPort } from './llm.port.js';
import type { LoggerPort } from './logger.port.js';

/** Typed DI tokens: the only way the container and the classes it builds name each other. */
export const TOKENS = {
  Llm: Symbol.for('LlmPort') as ServiceIdentifier<LlmPort>,
  KnowledgeBase: Symbol.for('KnowledgeBasePort') as ServiceIdentifier<KnowledgeBasePort>,
  Logger: Symbol.for('LoggerPort') as ServiceIdentifier<LoggerPort>,
  TurnPolicy: Symbol.for('TurnPolicy') as ServiceIdentifier<TurnPolicy>,
  PromptBuilder: Symbol.for('PromptBuilder') as ServiceIdentifier<PromptBuilder>,
} as const;
