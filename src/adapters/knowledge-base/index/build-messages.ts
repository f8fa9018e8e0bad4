import type { WalkLimits } from '../ingest/folder-walker.js';
import type { BuildProgress } from './index-builder.js';

/**
 * What crosses between the service and its index-build process: a few small
 * records, never passages or postings (the generation itself goes through
 * the index folder), one JSON object a line: the request on the build
 * process's stdin (which stays open: its end means the service is gone), the
 * replies on its fd 3. Each side checks what it receives, and the service
 * drops the build on anything else or on a line longer than `MAX_LINE_CHARS`
 * (it never buffers more than that of an unfinished line).
 */
export interface BuildRequest {
  readonly dir: string;
  readonly indexDir: string;
  readonly passageChars: number;
  readonly limits: WalkLimits;
  readonly progressEveryMs: number;
  /** A file whose reading takes longer is skipped with that reason (its thread is replaced). */
  readonly fileTimeoutMs: number;
}

export type BuildReply =
  | { readonly kind: 'alive' }
  | { readonly kind: 'progress'; readonly progress: BuildProgress }
  | { readonly kind: 'done'; readonly changed: boolean; readonly filesRead: number; readonly filesReused: number }
  | { readonly kind: 'failed'; readonly error: string };

/** How often the build process says it is alive (its main thread only waits while threads read files). */
export const HEARTBEAT_MS = 2000;

/** No message is anywhere near this long; a longer line is a broken peer. */
export const MAX_LINE_CHARS = 16 * 1024;

/** The file descriptor the build process writes its replies to. */
export const REPLY_FD = 3;

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function isBuildRequest(m: unknown): m is BuildRequest {
  if (!isObject(m) || !isObject(m.limits)) return false;
  return (
    typeof m.dir === 'string' &&
    typeof m.indexDir === 'string' &&
    isCount(m.passageChars) &&
    isCount(m.limits.maxFileBytes) &&
    isCount(m.limits.maxFiles) &&
    isCount(m.progressEveryMs) &&
    isCount(m.fileTimeoutMs)
  );
}

const PROGRESS_FIELDS = ['filesDone', 'filesTotal', 'filesRead', 'passages', 'elapsedMs', 'rate', 'etaMs'] as const;

/** The reply, or undefined when it is not one this protocol has. */
export function asBuildReply(m: unknown): BuildReply | undefined {
  if (!isObject(m)) return undefined;
  switch (m.kind) {
    case 'alive':
      return { kind: 'alive' };
    case 'progress': {
      const p = m.progress;
      if (!isObject(p) || !PROGRESS_FIELDS.every((f) => isCount(p[f]))) return undefined;
      return { kind: 'progress', progress: Object.fromEntries(PROGRESS_FIELDS.map((f) => [f, p[f]])) as unknown as BuildProgress };
    }
    case 'done':
      if (typeof m.changed !== 'boolean' || !isCount(m.filesRead) || !isCount(m.filesReused)) return undefined;
      return { kind: 'done', changed: m.changed, filesRead: m.filesRead, filesReused: m.filesReused };
    case 'failed':
      return typeof m.error === 'string' ? { kind: 'failed', error: m.error.slice(0, 2000) } : undefined;
    default:
      return undefined;
  }
}
