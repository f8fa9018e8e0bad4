import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('conversation settings', () => {
  it('when nothing is set, then memory is on in process with the documented defaults and /chat/async is off', () => {
    const { conversation } = loadConfig({});
    expect(conversation).to.include({
      store: 'memory',
      maxTurns: 10,
      ttlMs: 1_800_000,
      idempotencyTtlMs: 600_000,
      historyChars: 4000,
      asyncPushUrl: undefined,
    });
  });

  it('when SESSION_STORE=redis has no REDIS_URL, then start-up fails naming REDIS_URL', () => {
    expect(problemsOf({ SESSION_STORE: 'redis' }).join('\n')).to.match(/REDIS_URL: is required when SESSION_STORE=redis/);
  });

  it('when REDIS_URL is not a redis:// URL or ASYNC_PUSH_URL not http(s), then each is named', () => {
    const problems = problemsOf({ SESSION_STORE: 'redis', REDIS_URL: 'localhost:6379', ASYNC_PUSH_URL: 'ftp://x' }).join('\n');
    expect(problems).to.match(/REDIS_URL/);
    expect(problems).to.match(/ASYNC_PUSH_URL/);
  });

  it('when SESSION_STORE names an unknown store, then the allowed ones are listed', () => {
    expect(problemsOf({ SESSION_STORE: 'mongo' }).join('\n')).to.match(/SESSION_STORE.*memory, redis/);
  });
});
