import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('LLM settings', () => {
  it('when LLM_PROVIDER=openai lacks the base URL and model, then both are named', () => {
    const problems = problemsOf({ LLM_PROVIDER: 'openai' });
    expect(problems).to.include('LLM_BASE_URL').and.include('LLM_MODEL');
    expect(problems).to.not.include('LLM_API_KEY');
  });

  it('when LLM_PROVIDER=openai is complete, then the tuning defaults apply', () => {
    const { llm } = loadConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: 'http://127.0.0.1:8000/v1', LLM_MODEL: 'qwen' });
    expect(llm).to.deep.include({
      baseUrl: 'http://127.0.0.1:8000/v1',
      model: 'qwen',
      apiKey: undefined,
      temperature: 0.3,
      maxTokens: undefined,
      firstTokenTimeoutMs: 30_000,
      idleTimeoutMs: 20_000,
      maxRetries: 2,
      includeReasoning: false,
    });
  });

  it('when tuning values are out of range, then each one is named', () => {
    const problems = problemsOf({ LLM_TEMPERATURE: '3', LLM_MAX_RETRIES: '-1', LLM_BASE_URL: 'ftp://x', LLM_MAX_TOKENS_PARAM: 'maxTokens' });
    for (const name of ['LLM_TEMPERATURE', 'LLM_MAX_RETRIES', 'LLM_BASE_URL', 'LLM_MAX_TOKENS_PARAM']) expect(problems).to.include(name);
  });
});
