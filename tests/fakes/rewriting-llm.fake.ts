import { setTimeout as sleep } from 'node:timers/promises';
import type { RewriteRequest } from '../../src/application/ports/llm.port.js';
import { ScriptedLlm, type LlmStep } from './scripted-llm.fake.js';

/** How the fake rewrites: a text after an optional pause, a failure, or a hang that ignores its signal. */
export type RewriteStep = { text: string; waitMs?: number } | { fail: Error } | { hang: true };

/** A `ScriptedLlm` that can also rewrite follow-up questions, recording each request and its abort. */
export class RewritingLlm extends ScriptedLlm {
  readonly rewrites: RewriteRequest[] = [];
  readonly rewriteAborts: unknown[] = [];

  constructor(
    script: readonly LlmStep[],
    private readonly rewrite: RewriteStep,
  ) {
    super(script);
  }

  async rewriteQuestion(request: RewriteRequest, signal: AbortSignal): Promise<string> {
    this.rewrites.push(request);
    signal.addEventListener('abort', () => this.rewriteAborts.push(signal.reason), { once: true });
    const step = this.rewrite;
    if ('fail' in step) throw step.fail;
    if ('hang' in step) return new Promise<string>(() => undefined);
    if (step.waitMs) await sleep(step.waitMs, undefined, { signal });
    return step.text;
  }
}
