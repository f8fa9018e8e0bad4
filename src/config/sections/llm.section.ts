import { bool, defineSection, int, num, str, url } from '../section.js';

/** What the mock model says by default (`MOCK_LLM_ANSWER`); `{question}` becomes the question. */
export const DEFAULT_MOCK_ANSWER = '您好！您的问题是：「{question}」。这是模拟模型的回答：配置 LLM_PROVIDER 即可接入真实的大模型。';

/** Which language model answers, and how. */
export const llmSection = defineSection({
  env: {
    LLM_PROVIDER: { enum: ['mock', 'openai', 'extractive'], default: 'extractive' },
    LLM_BASE_URL: url(),
    LLM_API_KEY: str(),
    LLM_MODEL: str(),
    LLM_SYSTEM_PROMPT: str(),
    LLM_TEMPERATURE: num(0, 2, 0.3),
    LLM_MAX_TOKENS: int(1, 1_000_000),
    LLM_FIRST_TOKEN_TIMEOUT_MS: int(100, 600_000, 30_000),
    LLM_IDLE_TIMEOUT_MS: int(100, 600_000, 20_000),
    LLM_MAX_RETRIES: int(0, 10, 2),
    LLM_MAX_TOKENS_PARAM: { enum: ['max_tokens', 'max_completion_tokens'], default: 'max_tokens' },
    LLM_INCLUDE_REASONING: bool(false),
    LLM_STARTS_IN_THINK: bool(false),
    LLM_CONTEXT_MAX_CHARS: int(0, 200_000, 6000),
    MOCK_LLM_DELAY_MS: int(0, 60_000, 20),
    MOCK_LLM_ANSWER: str(DEFAULT_MOCK_ANSWER),
  },
  build: (v) => ({
    provider: v.LLM_PROVIDER as string,
    baseUrl: v.LLM_BASE_URL as string | undefined,
    apiKey: v.LLM_API_KEY as string | undefined,
    model: v.LLM_MODEL as string | undefined,
    systemPrompt: v.LLM_SYSTEM_PROMPT as string | undefined,
    /** Sampling temperature sent upstream. */
    temperature: v.LLM_TEMPERATURE as number,
    /** `max_tokens` sent upstream; unset leaves the provider's default. */
    maxTokens: v.LLM_MAX_TOKENS as number | undefined,
    /** Which request field carries `maxTokens`: OpenAI's reasoning models refuse `max_tokens`. */
    maxTokensParam: v.LLM_MAX_TOKENS_PARAM as 'max_tokens' | 'max_completion_tokens',
    /** From sending a request to the first token (answer or reasoning). */
    firstTokenTimeoutMs: v.LLM_FIRST_TOKEN_TIMEOUT_MS as number,
    /** Longest upstream silence once its response headers arrived. */
    idleTimeoutMs: v.LLM_IDLE_TIMEOUT_MS as number,
    /** Further attempts after a retryable fault, only before any text went out. */
    maxRetries: v.LLM_MAX_RETRIES as number,
    /** Pass reasoning (`reasoning_content`, `<think>` blocks) through as part of the answer. */
    includeReasoning: v.LLM_INCLUDE_REASONING as boolean,
    /** The model's template opens `<think>` in the prompt: its output begins inside reasoning. */
    startsInThink: v.LLM_STARTS_IN_THINK as boolean,
    /** Upper bound on the characters of recalled passages put into the prompt. */
    contextMaxChars: v.LLM_CONTEXT_MAX_CHARS as number,
    /** Delay between the mock model's pieces. */
    mockDelayMs: v.MOCK_LLM_DELAY_MS as number,
    /** The mock model's answer; `{question}` is replaced by the question. */
    mockAnswer: v.MOCK_LLM_ANSWER as string,
  }),
  check: (v) =>
    v.LLM_PROVIDER === 'openai'
      ? ['LLM_BASE_URL', 'LLM_MODEL']
          .filter((name) => v[name] === undefined)
          .map((name) => `${name}: is required when LLM_PROVIDER=openai (e.g. LLM_BASE_URL=https://api.deepseek.com, LLM_MODEL=deepseek-chat)`)
      : [],
});
