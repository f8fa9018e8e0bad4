import type { IncomingMessage } from 'node:http';
import { finished } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LlmPort, LlmPrompt, RewriteRequest } from '../../application/ports/llm.port.js';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import { readChunk } from './chat-chunk.js';
import { ChatCompletionsClient, releaseResponse } from './chat-completions-client.js';
import { LlmUnavailable } from './llm-fault.js';
import { sseMessages } from './sse-messages.js';
import { ThinkBlockFilter } from './think-block-filter.js';
import { retryDelayMs, toFault } from './upstream-fault.js';

export interface OpenAiLlmOptions {
  /** The chat-completions base URL, up to `/v1` (`LLM_BASE_URL`). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer …`; omit for local servers that need none (`LLM_API_KEY`). */
  readonly apiKey?: string;
  readonly model: string;
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** The field that carries `maxTokens` (`LLM_MAX_TOKENS_PARAM`, default `max_tokens`; OpenAI's o-series and GPT-5 want `max_completion_tokens`). */
  readonly maxTokensParam?: 'max_tokens' | 'max_completion_tokens';
  /** From sending a request to the first token (answer or reasoning) (`LLM_FIRST_TOKEN_TIMEOUT_MS`). */
  readonly firstTokenTimeoutMs: number;
  /** Longest silence once the response headers are in, between SSE events or `:` keep-alive comments (`LLM_IDLE_TIMEOUT_MS`). */
  readonly idleTimeoutMs: number;
  /** Further attempts after a retryable fault, made only before any text was yielded (`LLM_MAX_RETRIES`). */
  readonly maxRetries: number;
  /** First backoff step; doubles per attempt unless the upstream sent `Retry-After` (default 500). */
  readonly retryBaseDelayMs?: number;
  /** Pass reasoning through, wrapped in `<think>…</think>` (`LLM_INCLUDE_REASONING`). */
  readonly includeReasoning: boolean;
  /**
   * The model's template opens `<think>` in the prompt, so its output starts
   * inside reasoning and only `</think>` shows (`LLM_STARTS_IN_THINK`). With
   * reasoning hidden, text up to the first `</think>` is dropped (see `ThinkBlockFilter`).
   */
  readonly startsInThink?: boolean;
  /** Where upstream faults are reported (default: nowhere). */
  readonly log?: LoggerPort;
}

/** A `Retry-After` longer than this is not waited for: the caller would be gone by then. */
const MAX_RETRY_WAIT_MS = 20_000;

/** The request body of a streamed chat completion, as every OpenAI-compatible server reads it. */
interface ChatCompletionRequest {
  readonly model: string;
  readonly messages: readonly { readonly role: string; readonly content: string }[];
  readonly stream: true;
  readonly temperature?: number;
  readonly max_tokens?: number;
  readonly max_completion_tokens?: number;
}

/** A standalone question is short: this many tokens are plenty, and keep the call fast. */
const REWRITE_MAX_TOKENS = 128;
const REWRITE_MAX_CHARS = 1000;

/** Kept short so the extra call costs little: the latest exchanges, answers cut. */
const REWRITE_SYSTEM =
  '你负责改写用户的追问，供知识库检索使用。根据对话历史，把“最新问题”改写成一个不看对话也能理解的完整问题，' +
  '补全它指代的对象（如“这个”“它”“上面说的”），保留原问题的意思和关键词。只输出改写后的问题，不要回答，不要解释。' +
  '如果最新问题本身已经完整，原样输出。';

function rewriteMessages(request: RewriteRequest): { role: 'system' | 'user'; content: string }[] {
  const lines = request.history.slice(-REWRITE_HISTORY_MESSAGES).map((m) => {
    const who = m.role === 'user' ? '用户' : '助手';
    const text = m.content.length > REWRITE_TURN_CHARS ? `${m.content.slice(0, REWRITE_TURN_CHARS).toWellFormed()}…` : m.content;
    return `${who}：${text}`;
  });
  return [
    { role: 'system', content: REWRITE_SYSTEM },
    { role: 'user', content: `对话历史：\n${lines.join('\n')}\n\n最新问题：${request.question}` },
  ];
}

/**
 * Resolves once `response` has ended (its socket then goes back to the
 * keep-alive pool) or after a short grace: an upstream holding the body open
 * after `[DONE]` must not delay the turn.
 */
function backInPool(response: IncomingMessage): Promise<void> {
  if (response.readableEnded || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(grace);
      // The socket is freed on the tick after `end`.
      setImmediate(resolve);
    };
    const grace = setTimeout(done, POOL_GRACE_MS);
    finished(response, done);
  });
}

const POOL_GRACE_MS = 50;
const REWRITE_HISTORY_MESSAGES = 6;
const REWRITE_TURN_CHARS = 300;

const SILENT: LoggerPort = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, DeepSeek, Hunyuan,
 * Qwen/DashScope, GLM, vLLM, Ollama), streamed. Every upstream fault ends in
 * an `LlmUnavailable` naming its `reason`; a fault before any text was yielded
 * is retried with backoff while `signal` allows, never after (no duplicated text).
 * Aborting `signal` closes the upstream connection at once.
 */
export class OpenAiLlm implements LlmPort {
  private readonly client: ChatCompletionsClient;
  private readonly provider: string;
  private readonly log: LoggerPort;

  constructor(private readonly options: OpenAiLlmOptions) {
    this.provider = new URL(options.baseUrl).host;
    this.log = options.log ?? SILENT;
    this.client = new ChatCompletionsClient(options.baseUrl, options.apiKey);
  }

  async *streamAnswer(prompt: LlmPrompt, signal: AbortSignal): AsyncIterable<string> {
    let yielded = false;
    for (let attempt = 0; ; attempt++) {
      try {
        for await (const piece of this.attempt(this.body(prompt.messages), signal)) {
          yielded = true;
          yield piece;
        }
        return;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        const fault = toFault(error, this.provider);
        const delayMs = retryDelayMs(fault, attempt, this.options.retryBaseDelayMs ?? 500);
        const retry = !yielded && fault.retryable && attempt < this.options.maxRetries && delayMs <= MAX_RETRY_WAIT_MS;
        this.report(fault, attempt, retry ? delayMs : undefined, prompt.traceId);
        if (!retry) throw fault;
        await sleep(delayMs, undefined, { signal }).catch(() => {
          throw signal.reason;
        });
      }
    }
  }

  /**
   * One short call, folded: the follow-up rewritten as a standalone question.
   * Not retried, and reasoning is never part of it: the turn waits for it and
   * bounds it with its own timeout, falling back to a heuristic on any fault.
   */
  async rewriteQuestion(request: RewriteRequest, signal: AbortSignal): Promise<string> {
    // The configured temperature stays: some models (OpenAI's reasoning ones) refuse any other.
    const body = { ...this.body(rewriteMessages(request)), [this.options.maxTokensParam ?? 'max_tokens']: REWRITE_MAX_TOKENS };
    let text = '';
    try {
      for await (const piece of this.attempt(body, signal, backInPool)) {
        text += piece;
        if (text.length > REWRITE_MAX_CHARS) break; // not a question any more: the use case discards it
      }
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      const fault = toFault(error, this.provider);
      this.report(fault, 0, undefined, request.traceId);
      throw fault;
    }
    return text.replace(/<think>[\s\S]*?(<\/think>|$)/g, '').trim();
  }

  /** One request: yields answer text until `[DONE]`; throws on any fault. */
  private async *attempt(
    request: ChatCompletionRequest,
    signal: AbortSignal,
    pooled?: (response: IncomingMessage) => Promise<void>,
  ): AsyncGenerator<string> {
    signal.throwIfAborted();
    // One controller for the caller's signal and our timers; cheaper than `AbortSignal.any` per call.
    const control = new AbortController();
    const callerGone = () => control.abort(signal.reason);
    signal.addEventListener('abort', callerGone, { once: true });
    const timeout = (reason: 'timeout_first_token' | 'idle_timeout', ms: number) =>
      setTimeout(() => control.abort(new LlmUnavailable(reason, `LLM upstream ${this.provider} ${reason === 'idle_timeout' ? 'went silent' : 'sent no token'} for ${ms} ms`)), ms);
    let firstToken: NodeJS.Timeout | undefined = timeout('timeout_first_token', this.options.firstTokenTimeoutMs);
    let idle: NodeJS.Timeout | undefined;
    const heardFrom = () => {
      clearTimeout(idle);
      idle = timeout('idle_timeout', this.options.idleTimeoutMs);
    };
    const think = this.options.includeReasoning ? undefined : new ThinkBlockFilter({ startsInThink: this.options.startsInThink });
    let reasoning = false;
    // Shown reasoning of a template-opened block gets its opening tag back with the first text.
    let opened = !(this.options.includeReasoning && this.options.startsInThink);
    let response: IncomingMessage | undefined;
    let done = false;
    try {
      response = await this.client.open(request, control.signal);
      heardFrom();
      response.setEncoding('utf8');
      // Not destroyed when the loop is left: `releaseResponse` decides between reuse and closing.
      const body = response.iterator({ destroyOnReturn: false }) as AsyncIterable<string>;
      for await (const message of sseMessages(body, this.provider, heardFrom)) {
        heardFrom();
        if (message.data.startsWith('[DONE]')) {
          done = true;
          const tail = think?.flush();
          if (tail) yield tail;
          if (reasoning) yield '</think>';
          return;
        }
        if (message.data.trim() === '' && message.event !== 'error') continue; // e.g. `event: ping`
        const chunk = readChunk(message, this.provider);
        if (chunk.content || chunk.reasoning) {
          clearTimeout(firstToken);
          firstToken = undefined;
        }
        if (chunk.reasoning && this.options.includeReasoning) {
          yield reasoning ? chunk.reasoning : `<think>${chunk.reasoning}`;
          reasoning = true;
          opened = true; // the server split the reasoning out: nothing was left open by the template
        }
        if (chunk.content) {
          const text = think ? think.push(chunk.content) : `${opened ? '' : '<think>'}${reasoning ? '</think>\n\n' : ''}${chunk.content}`;
          opened = true;
          reasoning = false;
          if (text) yield text;
        }
      }
      throw new LlmUnavailable('incomplete', `LLM upstream ${this.provider} ended the stream without [DONE]`);
    } catch (error) {
      throw control.signal.aborted && !signal.aborted ? control.signal.reason : error;
    } finally {
      clearTimeout(firstToken);
      clearTimeout(idle);
      signal.removeEventListener('abort', callerGone);
      if (response) releaseResponse(response, done, this.options.idleTimeoutMs);
      // A call folded before the answer's own: its socket must be back in the pool, or the answer opens another.
      if (response && done && pooled) await pooled(response);
    }
  }

  private body(messages: LlmPrompt['messages']): ChatCompletionRequest {
    return {
      model: this.options.model,
      messages: messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      ...(this.options.temperature === undefined ? {} : { temperature: this.options.temperature }),
      ...(this.options.maxTokens === undefined ? {} : { [this.options.maxTokensParam ?? 'max_tokens']: this.options.maxTokens }),
    };
  }

  private report(fault: LlmUnavailable, attempt: number, retryInMs: number | undefined, traceId: string | undefined): void {
    const fields = {
      traceId,
      llm_error: fault.reason,
      provider: this.provider,
      model: this.options.model,
      status: fault.details.status,
      attempt: attempt + 1,
      ...(retryInMs === undefined ? {} : { retry_in_ms: Math.round(retryInMs) }),
    };
    if (fault.reason === 'auth') this.log.error(fault.message, fields);
    else this.log.warn(`${fault.message}${retryInMs === undefined ? '' : '; retrying'}`, fields);
  }
}
