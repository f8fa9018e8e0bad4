/**
 * Structured logging. The adapter adds the call's trace id to every line, so
 * callers pass only what is specific to the event.
 */
export interface LoggerPort {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
