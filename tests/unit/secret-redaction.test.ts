import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { SecretMasker, redactUrlCredentials } from '../../src/config/redact.js';

describe('secrets are kept out of start-up errors and log lines', () => {
  it('when a URL setting with user:password@ is malformed, then the start-up error does not echo the credentials', () => {
    for (const [name, value] of [
      ['REDIS_URL', 'redis://admin:s3cr3t-pw@redis host:6379'],
      ['LLM_BASE_URL', 'htps://user:s3cr3t-pw@api.example.com/v1'],
      ['KB_URL', 'ftp://user:s3cr3t-pw@kb.example.com'],
      ['ASYNC_PUSH_URL', 'http://user:s3cr3t-pw@push example.com'],
    ] as const) {
      let error: unknown;
      try {
        loadConfig({ [name]: value, ...(name === 'REDIS_URL' ? { SESSION_STORE: 'redis' } : {}), ...(name === 'KB_URL' ? { KB_PROVIDER: 'http' } : {}) });
      } catch (e) {
        error = e;
      }
      expect(error, name).to.be.instanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message, name).to.include(name);
      expect(message, name).to.not.include('s3cr3t-pw');
      expect(message, name).to.not.include('admin:');
    }
  });

  it('when a configured secret arrives in any text (an upstream echoing the Authorization header), then it is masked', () => {
    const masker = new SecretMasker(['sk-live-0123456789', 'tok"quote', undefined, 'abc']);
    const echoed = JSON.stringify({ error: 'upstream said: {"headers":{"authorization":"Bearer sk-live-0123456789"}}', other: 'tok"quote' });
    const line = masker.mask(echoed);
    expect(line).to.not.include('sk-live-0123456789');
    expect(line).to.not.include('tok\\"quote');
    expect(masker.mask('abc')).to.equal('abc'); // too short to be a secret: ordinary words are left alone
    expect(masker.mask('Authorization: Bearer eyJhbGciOi.xyz')).to.equal('Authorization: Bearer ***');
    expect(redactUrlCredentials('connect to redis://default:pw@10.0.0.1:6379/0 failed')).to.equal('connect to redis://***@10.0.0.1:6379/0 failed');
  });
});
