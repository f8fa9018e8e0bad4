import type { ChatMessage, ChatTurn } from '../domain/chat-turn.js';
import { raceAbort } from './abortable.js';
import type { LlmPort, RewriteRequest } from './ports/llm.port.js';
import type { LoggerPort } from './ports/logger.port.js';
import { carryTopic, mayLeanOnPrevious } from './standalone-question.js';
import { DEFAULT_REWRITE, type TurnPolicy } from './turn-policy.js';

/**
 * `turn`'s question made standalone for retrieval, given the conversation so
 * far: by the model when it can rewrite, the question might lean on what came
 * before (`mayLeanOnPrevious`: a question that cannot be a follow-up is not
 * worth a model call before its answer) and the deadline leaves room for it
 * (`TurnPolicy.rewrite`), else — and when the model fails — by carrying the
 * previous question's topic words. Rejects only when `signal` aborts.
 */
export async function standaloneQuestion(
  llm: LlmPort,
  policy: TurnPolicy,
  log: LoggerPort,
  turn: ChatTurn,
  history: readonly ChatMessage[],
  signal: AbortSignal,
): Promise<string> {
  const { timeoutMs, minRemainingMs } = policy.rewrite ?? DEFAULT_REWRITE;
  // The rewrite may use only the time the answer does not need.
  const room = Math.min(timeoutMs, turn.receivedAt + policy.deadlineMs - Date.now() - minRemainingMs);
  const rewrite = llm.rewriteQuestion?.bind(llm);
  if (rewrite && room >= MIN_REWRITE_MS && mayLeanOnPrevious(turn.content)) {
    try {
      const rewritten = await rewriteWithin(rewrite, { history, question: turn.content, traceId: turn.traceId }, signal, room);
      if (rewritten) return rewritten;
      log.warn('question rewrite unusable; carrying the previous topic instead', { traceId: turn.traceId });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      log.warn('question rewrite failed; carrying the previous topic instead', {
        traceId: turn.traceId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return carryTopic(history, turn.content);
}

/** Less time than this is not worth a rewrite call: the heuristic is used instead. */
const MIN_REWRITE_MS = 100;

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
