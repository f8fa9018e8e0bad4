import { defineSection, int, str } from '../section.js';

/** Where the service listens, what it accepts, how it logs, and the turn deadline. */
export const serverSection = defineSection({
  env: {
    PORT: int(0, 65535, 8080),
    HOST: str('0.0.0.0'),
    BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024, 1024 * 1024),
    MAX_CONTENT_CHARS: int(1, 1_000_000, 4000),
    CHAT_DEADLINE_MS: int(100, 600_000, 55_000),
    REQUEST_TIMEOUT_MS: int(1000, 600_000, 10_000),
    ANSWER_MAX_CHARS: int(100, 10_000_000, 20_000),
    LOG_LEVEL: { enum: ['error', 'warn', 'info', 'debug'], default: 'info' },
    LOG_FORMAT: { enum: ['json', 'pretty', 'auto'], default: 'auto' },
  },
  build: (v) => ({
    port: v.PORT as number,
    host: v.HOST as string,
    /** Largest request body accepted, in bytes (413 past it). */
    bodyLimitBytes: v.BODY_LIMIT_BYTES as number,
    /** Longest `content` accepted, in characters (400 past it). */
    maxContentChars: v.MAX_CONTENT_CHARS as number,
    /** Every turn ends (final frame sent / reply written) this many ms after the call arrived. */
    deadlineMs: v.CHAT_DEADLINE_MS as number,
    /** A request's headers and body must have arrived within this many ms (408 and the socket closed otherwise). */
    requestTimeoutMs: v.REQUEST_TIMEOUT_MS as number,
    /** Longest answer in characters; past it the model is stopped and the answer ends with a note that it was cut. */
    answerMaxChars: v.ANSWER_MAX_CHARS as number,
    logLevel: v.LOG_LEVEL as 'error' | 'warn' | 'info' | 'debug',
    /** `json` lines for collectors, `pretty` for a terminal; `auto` picks by whether stdout is a TTY. */
    logFormat: v.LOG_FORMAT as 'json' | 'pretty' | 'auto',
  }),
});
