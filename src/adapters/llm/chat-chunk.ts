import { LlmUnavailable } from './llm-fault.js';

/** The parts of one streamed chat-completion chunk this service uses. */
export interface ChunkText {
  /** Answer text (`choices[0].delta.content`), possibly empty. */
  readonly content: string;
  /** Chain of thought (`reasoning_content` on DeepSeek/GLM/Qwen, `reasoning` on Groq/OpenRouter/vLLM). */
  readonly reasoning: string;
}

/**
 * Reads one SSE message of a chat-completions stream. Everything a provider
 * adds (Hunyuan's `note`, `usage` chunks with `choices: []`, tool-call deltas,
 * `obfuscation`, `x_groq`) is ignored; an error payload or a chunk that is not
 * a chat-completion chunk throws `LlmUnavailable`.
 */
export function readChunk(message: { readonly event?: string | null; readonly data: string }, provider: string): ChunkText {
  let chunk: unknown;
  try {
    chunk = JSON.parse(message.data);
  } catch {
    if (message.event === 'error') throw streamError(provider, message.data);
    throw new LlmUnavailable('malformed', `LLM upstream ${provider} sent a chunk that is not JSON: ${excerpt(message.data)}`);
  }
  if (message.event === 'error' || (isObject(chunk) && chunk.error !== undefined && chunk.error !== null)) {
    throw streamError(provider, isObject(chunk) ? (chunk.error ?? chunk) : chunk);
  }
  if (!isObject(chunk) || (chunk.choices !== undefined && !Array.isArray(chunk.choices))) {
    throw new LlmUnavailable('malformed', `LLM upstream ${provider} sent a chunk that is not a chat-completion chunk: ${excerpt(message.data)}`);
  }
  const choices = (chunk.choices ?? []) as unknown[];
  // n=1 is what we ask for; a provider that numbers choices still puts ours at index 0.
  const choice = choices.find((c) => isObject(c) && (c.index === undefined || c.index === 0));
  const delta = isObject(choice) ? choice.delta : undefined;
  if (delta === undefined || delta === null) return { content: '', reasoning: '' };
  if (!isObject(delta)) {
    throw new LlmUnavailable('malformed', `LLM upstream ${provider} sent a delta that is not an object: ${excerpt(message.data)}`);
  }
  return {
    content: text(delta.content, 'content', provider, message.data),
    reasoning: text(delta.reasoning_content, 'reasoning_content', provider, message.data) || text(delta.reasoning, 'reasoning', provider, message.data),
  };
}

function text(value: unknown, field: string, provider: string, raw: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  throw new LlmUnavailable('malformed', `LLM upstream ${provider} sent a non-string delta.${field}: ${excerpt(raw)}`);
}

function streamError(provider: string, error: unknown): LlmUnavailable {
  const detail = isObject(error) ? [error.code ?? error.type, error.message].filter(Boolean).join(': ') : String(error);
  return new LlmUnavailable('stream_error', `LLM upstream ${provider} reported an error mid-stream: ${excerpt(detail)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, single-line piece of upstream text for a log line. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
