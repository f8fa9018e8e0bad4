import { TurnFailure } from '../../domain/turn-failure.js';

/**
 * What went wrong upstream, as logged in the `llm_error` field and counted by metrics:
 * - `connect`: no HTTP response at all (refused, DNS, reset before the headers)
 * - `http_5xx`, `rate_limited` (429), `auth` (401/403), `http_4xx` (any other refusal, e.g. unknown model)
 * - `timeout_first_token`: no token within `LLM_FIRST_TOKEN_TIMEOUT_MS` of sending the request
 * - `idle_timeout`: the stream went silent for `LLM_IDLE_TIMEOUT_MS`
 * - `reset`: the connection broke mid-stream
 * - `stream_error`: the upstream sent an `event: error` or an `{"error":…}` payload mid-stream
 * - `malformed`: a chunk that is not a JSON chat-completion chunk
 * - `incomplete`: the stream ended without `data: [DONE]`
 */
export type LlmFaultKind =
  | 'connect'
  | 'http_5xx'
  | 'rate_limited'
  | 'auth'
  | 'http_4xx'
  | 'timeout_first_token'
  | 'idle_timeout'
  | 'reset'
  | 'stream_error'
  | 'malformed'
  | 'incomplete';

/** Faults worth another attempt (only ever made before any text reached the caller). */
const RETRYABLE: ReadonlySet<LlmFaultKind> = new Set([
  'connect',
  'http_5xx',
  'rate_limited',
  'timeout_first_token',
  'idle_timeout',
  'reset',
  'incomplete',
]);

/**
 * The language model failed to answer. The use case turns it into the
 * protocol's failure reply (`llm_unavailable`); `reason` says why, for logs
 * and metrics. The message is fit for logs: it names the provider host and
 * never carries the API key.
 */
export class LlmUnavailable extends TurnFailure {
  constructor(
    override readonly reason: LlmFaultKind,
    message: string,
    readonly details: { readonly status?: number; readonly retryAfterMs?: number } = {},
    options?: { cause?: unknown },
  ) {
    super('llm_unavailable', message, options);
    this.name = 'LlmUnavailable';
  }

  /** Whether a fresh request might succeed. */
  get retryable(): boolean {
    return RETRYABLE.has(this.reason);
  }
}
