import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const DEADLINE_MS = 8000;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real service (src/main.ts) as its own process, so it can be killed with SIGKILL like a crashed pod. */
async function startInstance(redis: TestRedis, mockDelayMs: number): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      SESSION_STORE: 'redis',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix,
      LLM_PROVIDER: 'mock',
      MOCK_LLM_DELAY_MS: String(mockDelayMs),
      KB_PROVIDER: 'mock',
      CHAT_DEADLINE_MS: String(DEADLINE_MS),
      IDEMPOTENCY_LEASE_MS: '1500',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 20_000; Date.now() < until; await sleep(100)) {
    if (child.exitCode !== null) throw new Error(`the service exited with ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return { url, child };
    } catch {
      // not listening yet
    }
  }
  child.kill('SIGKILL');
  throw new Error('the service was not ready within 20 s');
}

describe('a retry after the instance running its turn was killed (real Redis, SIGKILL)', function () {
  this.timeout(60_000);
  let redis: TestRedis;
  const children: ChildProcess[] = [];

  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await redis?.close();
  });

  it('when the first instance dies mid-turn, then a second instance answers the same msg_id within a few seconds, not after the deadline', async () => {
    const body = JSON.stringify({ user: 'zhangsan', msg_type: 'text', content: '怎么重置密码？', msg_id: 'crash-1', session_id: 's-crash' });
    const headers = { 'content-type': 'application/json' };

    const first = await startInstance(redis, 1000); // slow model: the turn is still running when it dies
    children.push(first.child);
    const stream = await fetch(`${first.url}/chat`, { method: 'POST', headers, body });
    const reader = stream.body!.getReader();
    await reader.read(); // the turn has started (and holds its claim in Redis)
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    await reader.cancel().catch(() => undefined);

    const second = await startInstance(redis, 1);
    children.push(second.child);
    const started = Date.now();
    const reply = (await (await fetch(`${second.url}/chat/sync`, { method: 'POST', headers, body })).json()) as {
      code: number;
      msg_content: string;
    };
    const tookMs = Date.now() - started;
    second.child.kill('SIGKILL');

    expect(reply.code, JSON.stringify(reply)).to.equal(0);
    expect(reply.msg_content, JSON.stringify(reply)).to.include('模拟模型的回答'); // answered, not the timeout apology
    expect(tookMs).to.be.below(DEADLINE_MS / 2);
  });
});
