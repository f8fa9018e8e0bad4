import type { LlmPort, LlmPrompt } from '../../application/ports/llm.port.js';
import { typeOut } from './typed-pieces.js';

export interface MockLlmOptions {
  /** Pause before each piece (`MOCK_LLM_DELAY_MS`), like a model typing. */
  readonly delayMs: number;
  /** The answer; `{question}` becomes the question (`MOCK_LLM_ANSWER`). */
  readonly answer: string;
}

/** A model that needs no key: streams a canned answer one character at a time. */
export class MockLlm implements LlmPort {
  constructor(private readonly options: MockLlmOptions) {}

  streamAnswer(prompt: LlmPrompt, signal: AbortSignal): AsyncIterable<string> {
    return typeOut(this.options.answer.replaceAll('{question}', prompt.question), this.options.delayMs, signal);
  }
}
