import { Ajv } from 'ajv';

/**
 * The service's settings. `loadConfig` is the only place that reads the
 * environment; everything else receives this object.
 */
export interface Config {
  readonly server: {
    readonly port: number;
    readonly host: string;
    /** Largest request body accepted, in bytes (413 past it). */
    readonly bodyLimitBytes: number;
    /** Longest `content` accepted, in characters (400 past it). */
    readonly maxContentChars: number;
  };
  readonly chat: {
    /** Every turn ends (final frame sent / reply written) this many ms after the call arrived. */
    readonly deadlineMs: number;
  };
  readonly log: {
    readonly level: 'error' | 'warn' | 'info' | 'debug';
    /** `json` lines for collectors, `pretty` for a terminal; `auto` picks by whether stdout is a TTY. */
    readonly format: 'json' | 'pretty' | 'auto';
  };
  readonly llm: {
    readonly provider: string;
    readonly baseUrl?: string;
    readonly apiKey?: string;
    readonly model?: string;
    readonly systemPrompt?: string;
    /** Delay between the mock model's pieces. */
    readonly mockDelayMs: number;
    /** The mock model's answer; `{question}` is replaced by the question. */
    readonly mockAnswer: string;
  };
  readonly kb: {
    readonly provider: string;
    readonly dir?: string;
  };
}

/** Start-up stopped by bad settings; `problems` names each one. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const int = (min: number, max: number, dflt: number) => ({ type: 'integer', minimum: min, maximum: max, default: dflt });
const str = { type: 'string', minLength: 1 };

/** Every environment variable the service reads, with its type and default. */
const ENV_SCHEMA = {
  type: 'object',
  properties: {
    PORT: int(0, 65535, 8080),
    HOST: { ...str, default: '0.0.0.0' },
    BODY_LIMIT_BYTES: int(1024, 64 * 1024 * 1024, 1024 * 1024),
    MAX_CONTENT_CHARS: int(1, 1_000_000, 4000),
    CHAT_DEADLINE_MS: int(100, 600_000, 55_000),
    LOG_LEVEL: { enum: ['error', 'warn', 'info', 'debug'], default: 'info' },
    LOG_FORMAT: { enum: ['json', 'pretty', 'auto'], default: 'auto' },
    LLM_PROVIDER: { enum: ['mock'], default: 'mock' },
    LLM_BASE_URL: { type: 'string', pattern: '^https?://' },
    LLM_API_KEY: str,
    LLM_MODEL: str,
    LLM_SYSTEM_PROMPT: str,
    MOCK_LLM_DELAY_MS: int(0, 60_000, 20),
    MOCK_LLM_ANSWER: {
      ...str,
      default: '您好！您的问题是：「{question}」。这是模拟模型的回答：配置 LLM_PROVIDER 即可接入真实的大模型。',
    },
    KB_PROVIDER: { enum: ['mock'], default: 'mock' },
    KB_DIR: str,
  },
} as const;

const SECRET = /KEY|SECRET|TOKEN|PASSWORD/;

type Env = Record<string, string | number | undefined>;

/** Reads and validates the environment; throws `ConfigError` listing every problem. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const env: Env = {};
  for (const name of Object.keys(ENV_SCHEMA.properties)) {
    const value = source[name];
    // An empty variable counts as unset, as shells and compose files often leave them.
    if (value !== undefined && value.trim() !== '') env[name] = value.trim();
  }
  const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: false });
  const validate = ajv.compile(ENV_SCHEMA);
  if (!validate(env)) {
    throw new ConfigError(
      (validate.errors ?? []).map((e) => {
        const name = e.instancePath.replace(/^\//, '');
        const shown = SECRET.test(name) ? '(hidden)' : JSON.stringify(source[name]);
        return `${name}=${shown}: ${e.message ?? 'is invalid'}${
          e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : ''
        }`;
      }),
    );
  }
  // Validated above: every property with a default is set and of its schema's type.
  const v = env as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    server: { port: v.PORT, host: v.HOST, bodyLimitBytes: v.BODY_LIMIT_BYTES, maxContentChars: v.MAX_CONTENT_CHARS },
    chat: { deadlineMs: v.CHAT_DEADLINE_MS },
    log: { level: v.LOG_LEVEL, format: v.LOG_FORMAT },
    llm: {
      provider: v.LLM_PROVIDER,
      baseUrl: v.LLM_BASE_URL,
      apiKey: v.LLM_API_KEY,
      model: v.LLM_MODEL,
      systemPrompt: v.LLM_SYSTEM_PROMPT,
      mockDelayMs: v.MOCK_LLM_DELAY_MS,
      mockAnswer: v.MOCK_LLM_ANSWER,
    },
    kb: { provider: v.KB_PROVIDER, dir: v.KB_DIR },
  };
}
