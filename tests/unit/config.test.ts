import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('loadConfig', () => {
  it('when nothing is set, then the embedded defaults apply', () => {
    const config = loadConfig({});
    expect(config.server.port).to.equal(8080);
    expect(config.server.deadlineMs).to.equal(55_000);
    expect(config.server.maxContentChars).to.equal(4000);
    expect(config.server.bodyLimitBytes).to.equal(1024 * 1024);
    expect(config.server.logLevel).to.equal('info');
  });

  it('when values are given as strings, then they are coerced', () => {
    const config = loadConfig({ PORT: '9000', CHAT_DEADLINE_MS: '1000', MOCK_LLM_DELAY_MS: '0' });
    expect(config.server.port).to.equal(9000);
    expect(config.server.deadlineMs).to.equal(1000);
    expect(config.llm.mockDelayMs).to.equal(0);
  });

  it('when several values are bad, then every one is named in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', CHAT_DEADLINE_MS: '-5', LLM_PROVIDER: 'nope' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'LOG_LEVEL', 'CHAT_DEADLINE_MS', 'LLM_PROVIDER']) expect(problems).to.include(name);
  });

  it('when a variable is set but empty, then it counts as unset', () => {
    expect(loadConfig({ PORT: '' }).server.port).to.equal(8080);
  });
});
