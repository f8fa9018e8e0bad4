import { setTimeout as sleep } from 'node:timers/promises';
import type { LlmPort, LlmPrompt } from '../../application/ports/llm.port.js';
import { graphemes } from '../../application/well-formed-pieces.js';

export interface MockLlmOptions {
  /** Pause before each piece (`MOCK_LLM_DELAY_MS`), like a model typing. */
  readonly delayMs: number;
  /** The answer; `{question}` becomes the question (`MOCK_LLM_ANSWER`). */
  readonly answer: string;
}

/** A model that needs no key: streams a canned answer one character at a time. */
export class MockLlm implements LlmPort {
  constructor(private readonly options: MockLlmOptions) {}

  async *streamAnswer(prompt: LlmPrompt, signal: AbortSignal): AsyncIterable<string> {
    const answer = this.options.answer.replaceAll('{question}', prompt.question);
    for (const piece of graphemes(answer)) {
      if (this.options.delayMs > 0) await sleep(this.options.delayMs, undefined, { signal });
      signal.throwIfAborted();
      yield piece;
    }
  }
}
