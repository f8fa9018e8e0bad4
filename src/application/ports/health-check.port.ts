/** What a dependency says about itself when asked whether the service can take calls. */
export interface HealthStatus {
  readonly ok: boolean;
  /** Short, human-readable, no secrets (e.g. "312 documents loaded", "HTTP 401 from model API"). */
  readonly detail?: string;
}

/**
 * Optional: an adapter (knowledge base, LLM, session store) that can tell
 * whether it is ready implements this, and `GET /ready` reports it.
 *
 * Contract: cheap and bounded — it is called on every readiness probe, so it
 * must not run a paid model call (list models, or report the last upstream
 * result instead); it should stop when `signal` aborts. It resolves with the
 * status rather than rejecting; a rejection is reported as not ok.
 */
export interface HealthCheck {
  health(signal: AbortSignal): Promise<HealthStatus>;
}

/** True when `value` offers a `health(signal)` method (the adapters opt in by having one). */
export function hasHealthCheck(value: unknown): value is HealthCheck {
  return typeof (value as { health?: unknown } | null)?.health === 'function';
}
