import type { ContainerOverrides } from '../../src/container.js';
import { FakeOpenAiServer } from './fake-openai-server.js';
import { startTestService, type TestService } from './test-service.js';

/** A fake OpenAI-compatible upstream per test, and the real app pointed at it. */
export interface OpenAiFixture {
  /** This test's upstream (new before each test, closed after it). */
  fake: FakeOpenAiServer;
  /** The app of this test, closed after it; a test that starts one by hand assigns it here. */
  service: TestService | undefined;
  /** Starts the app with `LLM_PROVIDER=openai` against `fake` (key `sk-test`, model `m`), plus `env`. */
  start(env?: Record<string, string>): Promise<TestService>;
}

/**
 * Registers mocha hooks that give every test of the enclosing `describe` a
 * fresh upstream and close the app and the upstream after it.
 */
export function useFakeOpenAi(defaults: Record<string, string> = {}, overrides: ContainerOverrides = {}): OpenAiFixture {
  const fixture: OpenAiFixture = {
    fake: undefined as unknown as FakeOpenAiServer,
    service: undefined,
    async start(env = {}) {
      fixture.service = await startTestService(
        { LLM_PROVIDER: 'openai', LLM_BASE_URL: fixture.fake.url, LLM_API_KEY: 'sk-test', LLM_MODEL: 'm', ...defaults, ...env },
        overrides,
      );
      return fixture.service;
    },
  };
  beforeEach(async () => {
    fixture.fake = await FakeOpenAiServer.start();
  });
  afterEach(async () => {
    await fixture.service?.close();
    fixture.service = undefined;
    await fixture.fake.close();
  });
  return fixture;
}
