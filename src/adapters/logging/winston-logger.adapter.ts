import type { Writable } from 'node:stream';
import winston from 'winston';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { Config } from '../../config/config.js';

export interface LoggerOptions {
  readonly level: Config['server']['logLevel'];
  readonly format: Config['server']['logFormat'];
  /** Where lines go (default stdout); tests pass a stream to read them. */
  readonly stream?: Writable;
}

/** Winston behind the `LoggerPort`: JSON lines by default, readable lines on a terminal. */
export class WinstonLogger implements LoggerPort {
  private readonly logger: winston.Logger;

  constructor(options: LoggerOptions) {
    const pretty = options.format === 'pretty' || (options.format === 'auto' && process.stdout.isTTY === true);
    const stream = options.stream ?? process.stdout;
    this.logger = winston.createLogger({
      level: options.level,
      format: winston.format.combine(
        winston.format.timestamp(),
        pretty
          ? winston.format.combine(winston.format.colorize(), winston.format.simple())
          : winston.format.json(),
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
