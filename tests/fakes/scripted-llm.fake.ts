import { setTimeout as sleep } from 'node:timers/promises';
import type { LlmPort, LlmPrompt } from '../../src/application/ports/llm.port.js';

/** One step of a scripted answer: a piece, a pause, a failure, or a hang that ignores aborts. */
export type LlmStep = string | { wait: number } | { fail: Error } | { hang: true };

/** An `LlmPort` that plays a script and records what it was asked and whether it was aborted. */
export class ScriptedLlm implements LlmPort {
  readonly prompts: LlmPrompt[] = [];
  readonly abortReasons: unknown[] = [];
  calls = 0;

  constructor(private readonly script: readonly LlmStep[]) {}

  async *streamAnswer(prompt: LlmPrompt, signal: AbortSignal): AsyncIterable<string> {
    this.calls += 1;
    this.prompts.push(prompt);
    signal.addEventListener('abort', () => this.abortReasons.push(signal.reason), { once: true });
    for (const step of this.script) {
      if (typeof step === 'string') yield step;
      else if ('wait' in step) await sleep(step.wait, undefined, { signal });
      else if ('fail' in step) throw step.fail;
      else await new Promise(() => undefined); // never settles, never looks at the signal
    }
  }

  get aborted(): boolean {
    return this.abortReasons.length > 0;
  }
}
