import { defineSection, int, str, url } from '../section.js';

/** Which language model answers, and how. */
export const llmSection = defineSection({
  env: {
    LLM_PROVIDER: { enum: ['mock', 'openai', 'extractive'], default: 'mock' },
    LLM_BASE_URL: url(),
    LLM_API_KEY: str(),
    LLM_MODEL: str(),
    LLM_SYSTEM_PROMPT: str(),
    MOCK_LLM_DELAY_MS: int(0, 60_000, 20),
    MOCK_LLM_ANSWER: str(
      '您好！您的问题是：「{question}」。这是模拟模型的回答：配置 LLM_PROVIDER 即可接入真实的大模型。',
    ),
  },
  build: (v) => ({
    provider: v.LLM_PROVIDER as string,
    baseUrl: v.LLM_BASE_URL as string | undefined,
    apiKey: v.LLM_API_KEY as string | undefined,
    model: v.LLM_MODEL as string | undefined,
    systemPrompt: v.LLM_SYSTEM_PROMPT as string | undefined,
    /** Delay between the mock model's pieces. */
    mockDelayMs: v.MOCK_LLM_DELAY_MS as number,
    /** The mock model's answer; `{question}` is replaced by the question. */
    mockAnswer: v.MOCK_LLM_ANSWER as string,
  }),
});
