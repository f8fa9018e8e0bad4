/**
 * Structured logging. A line about a call carries the call's `traceId` among
 * its fields — every line of a call must, so operators can follow one call.
 * It is passed explicitly (from `ChatTurn.traceId`, `LlmPrompt.traceId`,
 * `RecallQuery.traceId`) rather than found in an implicit async context:
 * on Node 20 `AsyncLocalStorage` adds a promise hook to every promise, which
 * cost a quarter of the service's CPU per call.
 */
export interface LoggerPort {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
