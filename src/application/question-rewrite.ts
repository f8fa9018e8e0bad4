import { raceAbort } from './abortable.js';
import type { LlmPort, RewriteRequest } from './ports/llm.port.js';

/** The model took longer than the time it was given to rewrite a follow-up. */
export class RewriteTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`question rewrite took longer than ${timeoutMs} ms`);
    this.name = 'RewriteTimedOut';
  }
}

/**
 * The model's standalone version of a follow-up, within `timeoutMs`, or
 * `undefined` when what it wrote is not usable as a question (empty, or far
 * too long: it answered instead of rewriting). Rejects when the model fails,
 * when the time is up (`RewriteTimedOut`), or when `signal` aborts — also if
 * the model ignores its signal: the wait itself is bounded.
 */
export async function rewriteWithin(
  rewrite: NonNullable<LlmPort['rewriteQuestion']>,
  request: RewriteRequest,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<string | undefined> {
  signal.throwIfAborted();
  const control = new AbortController();
  const stop = () => control.abort(signal.reason);
  signal.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(() => control.abort(new RewriteTimedOut(timeoutMs)), timeoutMs);
  try {
    return usableQuestion(await raceAbort(rewrite(request, control.signal), control.signal), request.question);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}

/**
 * The rewritten question cleaned of what models add around it (a label,
 * quotes, a second line), or `undefined` when nothing usable is left.
 */
export function usableQuestion(text: string, original: string): string | undefined {
  const line = text
    .replace(/<think>[\s\S]*?<\/think>/g, '')
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  if (!line) return undefined;
  const question = line
    .replace(/^(改写后的问题|改写后|独立问题|问题|question)\s*[:：]\s*/i, '')
    .replace(/^["“'「『](.*)["”'」』]$/u, '$1')
    .trim();
  if (!question || question.length > Math.max(MAX_REWRITE_CHARS, original.length * 2)) return undefined;
  return question;
}

/** A standalone question longer than this (or twice the original) is an answer, not a rewrite. */
const MAX_REWRITE_CHARS = 200;
