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
    const { delayMs } = this.options;
    if (delayMs <= 0) {
      for (const piece of graphemes(answer)) {
        signal.throwIfAborted();
        yield piece;
      }
      return;
    }
    // One abort listener for the whole answer and a plain timer per piece: `timers/promises`
    // would add and remove an abort listener for every piece of every open stream.
    const typing = new Typing(signal);
    try {
      for (const piece of graphemes(answer)) {
        await typing.pause(delayMs);
        yield piece;
      }
    } finally {
      typing.stop();
    }
  }
}

/** Pauses that end early, rejecting with the signal's reason, when the signal aborts. */
class Typing {
  private timer?: NodeJS.Timeout;
  private rejectPause?: (reason: unknown) => void;
  private readonly onAbort = () => {
    clearTimeout(this.timer);
    this.rejectPause?.(this.signal.reason);
  };

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  pause(ms: number): Promise<void> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise<void>((resolve, reject) => {
      this.rejectPause = reject;
      this.timer = setTimeout(resolve, ms);
    });
  }

  stop(): void {
    clearTimeout(this.timer);
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
