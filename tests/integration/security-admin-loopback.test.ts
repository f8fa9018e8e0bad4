import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startTestService, type TestService } from '../support/test-service.js';

/** A GET over a loopback socket with exactly these headers (fetch would not let a test choose Host). */
function get(base: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method: 'GET', path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('security: the read-only admin page (no ADMIN_TOKEN) is for an operator on this machine only', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });
  const start = () => startTestService({ RECORDS_DB: join(mkdtempSync(join(tmpdir(), 'admin-loop-')), 'r.sqlite') });

  it('when a loopback call names another host (a DNS-rebinding page in a browser on this machine), then it is refused', async () => {
    service = await start();
    const port = new URL(service.url).port;
    for (const host of [`attacker.example:${port}`, 'attacker.example', `127.0.0.1.attacker.example:${port}`, `localhost.attacker.example`]) {
      for (const path of ['/admin', '/admin/api/summary', '/admin/api/unanswered', '/admin/api/slowest?format=csv']) {
        const reply = await get(service.url, path, { host });
        expect(reply.status, `${host} ${path}`).to.equal(401);
        expect(reply.body, `${host} ${path}`).to.match(/"err_msg":"admin: /);
      }
    }
  });

  it('when a loopback call was forwarded by a proxy on this machine, then it is refused', async () => {
    service = await start();
    const port = new URL(service.url).port;
    for (const header of ['x-forwarded-for', 'x-real-ip', 'forwarded', 'x-forwarded-host']) {
      const value = header === 'forwarded' ? 'for=203.0.113.9' : '203.0.113.9';
      const reply = await get(service.url, '/admin/api/summary', { host: `127.0.0.1:${port}`, [header]: value });
      expect(reply.status, header).to.equal(401);
    }
  });

  it('when the operator opens it on this machine by a loopback name, then it is served as before', async () => {
    service = await start();
    const port = new URL(service.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost', `[::1]:${port}`, `LOCALHOST:${port}`, `127.0.1.1:${port}`]) {
      expect((await get(service.url, '/admin/api/summary', { host })).status, host).to.equal(200);
      expect((await get(service.url, '/admin', { host })).status, host).to.equal(200);
    }
  });
});
