/**
 * Why a turn could not be answered. The HTTP adapter maps each kind to the
 * protocol's reply in one table (`adapters/http/failure-table.ts`).
 */
export type TurnFailureKind =
  | 'deadline'
  | 'llm_unavailable'
  | 'knowledge_base_unavailable'
  | 'empty_answer'
  | 'busy'
  /** Cut because the service is stopping (SIGTERM past its drain). */
  | 'shutting_down'
  | 'internal';

/** A failure the application understands; anything else thrown is `internal`. */
export class TurnFailure extends Error {
  /** A finer cause for logs and metrics (an adapter's own fault kind, e.g. `http_5xx`), when known. */
  readonly reason?: string;

  constructor(
    readonly kind: TurnFailureKind,
    message: string,
    options?: { cause?: unknown; reason?: string },
  ) {
    super(message, options);
    this.name = 'TurnFailure';
    if (options?.reason !== undefined) this.reason = options.reason;
  }
}

/** The caller went away: not a failure, the turn is simply dropped. */
export class CallerGone extends Error {
  constructor() {
    super('caller hung up');
    this.name = 'CallerGone';
  }
}

/** The turn ran past `CHAT_DEADLINE_MS`. */
export class DeadlineExceeded extends TurnFailure {
  constructor(deadlineMs: number) {
    super('deadline', `turn exceeded its deadline of ${deadlineMs} ms`);
    this.name = 'DeadlineExceeded';
  }
}
