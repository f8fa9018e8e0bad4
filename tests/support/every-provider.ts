import { FakeOpenAiServer, sseOf } from './fake-openai-server.js';
import type { TestService } from './test-service.js';

/** What a test of "every LLM provider" works with: the service it started, the fake OpenAI upstream, and each provider's settings. */
export interface EveryProvider {
  service: TestService | undefined;
  upstream: FakeOpenAiServer | undefined;
  /** `mock`, `extractive` and `openai` (against `upstream`), each without typing delay. */
  providers(): Record<'mock' | 'extractive' | 'openai', Record<string, string>>;
}

/**
 * Registers the hooks of a describe block whose tests run a turn with every
 * provider: a fake OpenAI upstream answering 模型的回答 before each test, and
 * the service and upstream closed after it.
 */
export function everyProvider(): EveryProvider {
  const state: EveryProvider = {
    service: undefined,
    upstream: undefined,
    providers: () => ({
      mock: { LLM_PROVIDER: 'mock', MOCK_LLM_DELAY_MS: '0' },
      extractive: { LLM_PROVIDER: 'extractive', EXTRACTIVE_DELAY_MS: '0' },
      openai: { LLM_PROVIDER: 'openai', LLM_BASE_URL: state.upstream!.url, LLM_MODEL: 'm' },
    }),
  };
  beforeEach(async () => {
    state.upstream = await FakeOpenAiServer.start();
    state.upstream.reply({ body: sseOf(['模型的回答']) });
  });
  afterEach(async () => {
    await state.service?.close();
    state.service = undefined;
    await state.upstream?.close();
  });
  return state;
}
