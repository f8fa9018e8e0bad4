import { randomUUID } from 'node:crypto';
import { callService } from '../client/chat-call.js';

/** Settings and shared state of one conformance run. */
export interface RunContext {
  readonly baseUrl: string;
  readonly token?: string;
  /** Yishiting's budget per call; a reply slower than this fails. */
  readonly timeoutMs: number;
  readonly question: string;
  /** Every `X-Trace-Id` seen, with the call it came from. */
  readonly traceIds: { id: string | null; call: string }[];
}

/** One HTTP exchange, recorded for the checks to judge. */
export interface Probe {
  readonly status: number;
  readonly headers: Headers;
  /** The body decoded as UTF-8 (invalid bytes replaced; see `validUtf8`). */
  readonly text: string;
  readonly validUtf8: boolean;
  /** Milliseconds until the first body bytes, and until the end (or hang-up). */
  readonly firstBytesMs: number | undefined;
  readonly totalMs: number;
}

export interface ProbeRequest {
  readonly method?: string;
  readonly body?: string | object;
  readonly contentType?: string;
  /** `false` sends no credentials even when the run has a token. */
  readonly auth?: boolean;
  /** Hang up once the body holds this many complete frames. */
  readonly hangUpAfterFrames?: number;
}

/** A well-formed question for this run. */
export function aQuestion(ctx: RunContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { user: 'conformance-check', msg_type: 'text', content: ctx.question, msg_id: `conf-${randomUUID()}`, ...extra };
}

/** Makes one call, reads the whole body (or up to the hang-up) as bytes, and records its trace id. */
export async function probe(ctx: RunContext, label: string, path: string, request: ProbeRequest = {}): Promise<Probe> {
  const startedAt = performance.now();
  const hangUp = new AbortController();
  const signal = AbortSignal.any([hangUp.signal, AbortSignal.timeout(ctx.timeoutMs)]);
  const body = request.body === undefined || typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const res = await callService(ctx.baseUrl, path, {
    method: request.method ?? (body === undefined ? 'GET' : 'POST'),
    body,
    contentType: request.contentType,
    token: request.auth === false ? undefined : ctx.token,
    signal,
  });
  ctx.traceIds.push({ id: res.headers.get('x-trace-id'), call: label });
  const chunks: Uint8Array[] = [];
  let firstBytesMs: number | undefined;
  try {
    for await (const bytes of res.body ?? []) {
      firstBytesMs ??= performance.now() - startedAt;
      chunks.push(bytes);
      if (request.hangUpAfterFrames !== undefined && countFrames(chunks) >= request.hangUpAfterFrames) {
        hangUp.abort();
        break;
      }
    }
  } catch (error) {
    if (!hangUp.signal.aborted) throw error;
  }
  const buffer = Buffer.concat(chunks);
  let validUtf8 = true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    validUtf8 = false; // reported by the frame-format check
  }
  return {
    status: res.status,
    headers: res.headers,
    text: buffer.toString('utf8'),
    validUtf8,
    firstBytesMs,
    totalMs: performance.now() - startedAt,
  };
}

function countFrames(chunks: Uint8Array[]): number {
  return Buffer.concat(chunks).toString('utf8').split('\n\n').length - 1;
}
