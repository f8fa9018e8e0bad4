import { request } from 'node:http';
import { expect } from 'chai';
import { signBody } from '../../src/adapters/http/hmac-signature.guard.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

const TOKEN = 'tok-route-spelling';
const SECRET = 'hmac-route-spelling';

/** Sends a raw request line (no URL normalisation by a client library) and reads the status. */
function raw(base: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers: body ? { 'content-type': 'application/json', ...headers } : headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Every way a client might spell a protected route: letter case, trailing slash, encoded letters, doubled slashes. */
function spellings(path: string): string[] {
  const upper = path.toUpperCase();
  const title = path.replace(/\/(\w)/g, (_, c: string) => `/${c.toUpperCase()}`);
  const encoded = path.replace(/a/, '%61').replace(/h/, '%68');
  return [path, upper, title, `${path}/`, `${upper}/`, encoded, `/${path}`, path.replace('/', '//'), `${path}?x=1`, `${path}%2f`, `${path};a`];
}

const PROTECTED: ReadonlyArray<{ method: string; path: string }> = [
  { method: 'POST', path: '/chat' },
  { method: 'POST', path: '/chat/sync' },
  { method: 'POST', path: '/chat/async' },
  { method: 'GET', path: '/playground' },
];

describe('security: a route spelled differently never skips the credentials guards', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when AUTH_TOKEN is set and no token is sent, then no spelling of a protected route answers 200', async () => {
    service = await startTestService({ AUTH_TOKEN: TOKEN, MOCK_LLM_DELAY_MS: '0', ASYNC_PUSH_URL: 'http://127.0.0.1:9/push' });
    const body = JSON.stringify(A_QUESTION);
    for (const { method, path } of PROTECTED) {
      for (const spelled of spellings(path)) {
        const status = await raw(service.url, method, spelled, method === 'POST' ? body : undefined);
        expect([401, 404], `${method} ${spelled}`).to.include(status);
      }
    }
    // The exact spelling with the token still works, and the probes stay open.
    expect(await raw(service.url, 'POST', `/chat/sync?token=${TOKEN}`, body)).to.equal(200);
    expect(await raw(service.url, 'GET', '/health')).to.equal(200);
  });

  it('when METRICS_TOKEN is set, then no spelling of /metrics serves the metrics without it', async () => {
    service = await startTestService({ METRICS_TOKEN: TOKEN });
    for (const spelled of spellings('/metrics')) {
      expect([401, 404], spelled).to.include(await raw(service.url, 'GET', spelled));
    }
  });

  it('when AUTH_HMAC_SECRET is set, then a signature replayed on another spelling of the route is refused', async () => {
    service = await startTestService({ AUTH_HMAC_SECRET: SECRET, MOCK_LLM_DELAY_MS: '0' });
    const body = JSON.stringify(A_QUESTION);
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = { 'x-timestamp': ts, 'x-signature': signBody(SECRET, ts, Buffer.from(body)) };
    expect(await raw(service.url, 'POST', '/chat/sync', body, headers)).to.equal(200);
    for (const spelled of spellings('/chat/sync').slice(1)) {
      expect([401, 404], spelled).to.include(await raw(service.url, 'POST', spelled, body, headers));
    }
    // Unsigned on any spelling: refused too.
    for (const spelled of spellings('/chat/sync')) {
      expect([401, 404], spelled).to.include(await raw(service.url, 'POST', spelled, body));
    }
  });
});
