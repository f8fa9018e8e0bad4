import type { LoggerPort } from '../../src/application/ports/logger.port.js';

export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/** A `LoggerPort` that keeps every line for assertions. */
export class CapturingLogger implements LoggerPort {
  readonly lines: LogLine[] = [];
  debug(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }
}
