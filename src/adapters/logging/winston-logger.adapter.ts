import type { Writable } from 'node:stream';
import winston from 'winston';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { Config } from '../../config/config.js';
import { SecretMasker } from '../../config/redact.js';
import { stdoutLines } from './batched-output.js';

export interface LoggerOptions {
  readonly level: Config['server']['logLevel'];
  readonly format: Config['server']['logFormat'];
  /** Where lines go (default stdout, batched per turn of the event loop: `BatchedOutput`); tests pass a stream to read them. */
  readonly stream?: Writable;
  /** Configured secret values: masked in every line, whatever text they arrive in. */
  readonly secrets?: readonly string[];
}

const MESSAGE = Symbol.for('message');
const safeJson = winston.format.json();

/**
 * The line as JSON. Plain `JSON.stringify` first: winston's `json()` (safe-stable-stringify,
 * sorted keys) cost ~8 µs more per line, and every call writes one. Values plain JSON cannot
 * hold (a BigInt, a cycle) fall back to `json()`.
 */
const jsonLine = winston.format((info, opts) => {
  const masker = opts as SecretMasker | undefined;
  let line: string;
  try {
    line = JSON.stringify(info);
  } catch {
    const safe = safeJson.transform(info, safeJson.options);
    if (!safe || typeof safe === 'boolean') return safe;
    line = String((safe as Record<symbol, unknown>)[MESSAGE]);
  }
  (info as Record<symbol, unknown>)[MESSAGE] = masker ? masker.mask(line) : line;
  return info;
});

/** Masks secrets in a readable (terminal) line too. */
const maskedLine = winston.format((info, opts) => {
  const masker = opts as SecretMasker | undefined;
  const line = (info as Record<symbol, unknown>)[MESSAGE];
  if (masker && typeof line === 'string') (info as Record<symbol, unknown>)[MESSAGE] = masker.mask(line);
  return info;
});

/** Winston behind the `LoggerPort`: JSON lines by default, readable lines on a terminal. */
export class WinstonLogger implements LoggerPort {
  private readonly logger: winston.Logger;

  constructor(options: LoggerOptions) {
    const pretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true);
    const stream = options.stream ?? (pretty ? process.stdout : stdoutLines());
    // Always on: URL credentials and bearer tokens are masked even with no secret configured.
    const masker = new SecretMasker(options.secrets ?? []);
    this.logger = winston.createLogger({
      level: options.level,
      format: winston.format.combine(
        winston.format.timestamp(),
        pretty
          ? winston.format.combine(winston.format.colorize(), winston.format.simple(), maskedLine(masker))
          : jsonLine(masker),
      ),
      transports: [new winston.transports.Stream({ stream })],
    });
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.logger.debug(message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.logger.info(message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.logger.warn(message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.logger.error(message, fields);
  }
}
