import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import type { LlmPort, LlmPrompt } from '../../application/ports/llm.port.js';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import { readChunk } from './chat-chunk.js';
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
  /** Where upstream faults are reported (default: nowhere). */
  readonly log?: LoggerPort;
}

/** A `Retry-After` longer than this is not waited for: the caller would be gone by then. */
const MAX_RETRY_WAIT_MS = 20_000;

const SILENT: LoggerPort = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, DeepSeek, Hunyuan,
 * Qwen/DashScope, GLM, vLLM, Ollama), streamed. Every upstream fault ends in
 * an `LlmUnavailable` naming its `reason`; a fault before any text was yielded
 * is retried with backoff while `signal` allows, never after (no duplicated text).
 * Aborting `signal` closes the upstream connection at once.
 */
export class OpenAiLlm implements LlmPort {
  private readonly client: OpenAI;
  private readonly provider: string;
  private readonly log: LoggerPort;

  constructor(private readonly options: OpenAiLlmOptions) {
    this.provider = new URL(options.baseUrl).host;
    this.log = options.log ?? SILENT;
    this.client = new OpenAI({
      baseURL: options.baseUrl,
      apiKey: options.apiKey ?? 'unused',
      // No key configured: send no Authorization header at all.
      defaultHeaders: options.apiKey ? {} : { Authorization: null },
      // Set explicitly so the SDK does not read OPENAI_* variables from the environment.
      organization: null,
      project: null,
      maxRetries: 0, // retries are ours: only before the first piece, abortable, logged per fault
      logLevel: 'off',
    });
  }

  async *streamAnswer(prompt: LlmPrompt, signal: AbortSignal): AsyncIterable<string> {
    let yielded = false;
    for (let attempt = 0; ; attempt++) {
      try {
        for await (const piece of this.attempt(prompt, signal)) {
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

  /** One request: yields answer text until `[DONE]`; throws on any fault. */
  private async *attempt(prompt: LlmPrompt, signal: AbortSignal): AsyncGenerator<string> {
    const control = new AbortController();
    const timeout = (reason: 'timeout_first_token' | 'idle_timeout', ms: number) =>
      setTimeout(() => control.abort(new LlmUnavailable(reason, `LLM upstream ${this.provider} ${reason === 'idle_timeout' ? 'went silent' : 'sent no token'} for ${ms} ms`)), ms);
    let firstToken: NodeJS.Timeout | undefined = timeout('timeout_first_token', this.options.firstTokenTimeoutMs);
    let idle: NodeJS.Timeout | undefined;
    const heardFrom = () => {
      clearTimeout(idle);
      idle = timeout('idle_timeout', this.options.idleTimeoutMs);
    };
    const think = this.options.includeReasoning ? undefined : new ThinkBlockFilter();
    let reasoning = false;
    try {
      const response = await this.client.chat.completions
        .create(this.body(prompt), { signal: AbortSignal.any([signal, control.signal]) })
        .asResponse();
      heardFrom();
      // Read the body ourselves, not through the SDK's `Stream`: that hides whether `data: [DONE]`
      // arrived (a cut stream would look finished), the `event:` names and the keep-alive comments.
      if (!response.body) throw new LlmUnavailable('incomplete', `LLM upstream ${this.provider} sent no response body`);
      for await (const message of sseMessages(response.body, this.provider, heardFrom)) {
        heardFrom();
        if (message.data.startsWith('[DONE]')) {
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
        }
        if (chunk.content) {
          const text = think ? think.push(chunk.content) : `${reasoning ? '</think>\n\n' : ''}${chunk.content}`;
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
      control.abort(); // releases the connection when the stream is left early
    }
  }

  private body(prompt: LlmPrompt): OpenAI.ChatCompletionCreateParamsStreaming {
    return {
      model: this.options.model,
      messages: prompt.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      ...(this.options.temperature === undefined ? {} : { temperature: this.options.temperature }),
      ...(this.options.maxTokens === undefined ? {} : { max_tokens: this.options.maxTokens }),
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
