import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { postSse, type SseReply } from '../support/sse-client.js';
import { A_QUESTION } from '../support/test-service.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Spawned {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
  readonly lines: Record<string, unknown>[];
}

/** Runs the real service (`node --import tsx src/main.ts`) on a free port and reads its URL from the 'listening' line. */
async function spawnService(env: Record<string, string>): Promise<Spawned> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'json', LOG_LEVEL: 'info', LLM_PROVIDER: 'mock', KB_PROVIDER: 'mock', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const lines: Record<string, unknown>[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.message === 'listening') resolve(String(entry.url));
    });
    void exited.then((code) => reject(new Error(`service exited early with ${code}`)));
  });
  return { child, url, exited, lines };
}

/** Waits until `count` streams are open (each has had its headers and is in its turn). */
async function untilOpenStreams(url: string, count: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const text = await (await fetch(`${url}/metrics`)).text();
    if (text.includes(`yishiting_bot_open_streams ${count}\n`)) return;
    await sleep(25);
  }
  throw new Error(`never saw ${count} open streams`);
}

function expectOneFinalFrameLast(reply: SseReply): void {
  expect(reply.status).to.equal(200);
  expect(reply.frames.filter((f) => f.data.finished)).to.have.length(1);
  expect(reply.frames.at(-1)?.data.finished).to.equal(true);
  expect(reply.body).to.match(/^(event:delta\ndata:[^\n]+\n\n)+$/);
}

describe('graceful shutdown of the real process', function () {
  this.timeout(30_000);
  let service: Spawned | undefined;
  afterEach(() => {
    if (service?.child.exitCode === null) service.child.kill('SIGKILL');
    service = undefined;
  });

  it('when SIGTERM arrives with 20 streams open, then all finish their answers, new connections are refused, and it exits 0', async () => {
    service = await spawnService({ MOCK_LLM_DELAY_MS: '40', MOCK_LLM_ANSWER: '一二三四五六七八九十一二三四五六七八九十' });
    const streams = Array.from({ length: 20 }, () => postSse(service!.url, A_QUESTION));
    await untilOpenStreams(service.url, 20);
    service.child.kill('SIGTERM');
    await sleep(100);
    const refused = await fetch(`${service.url}/health`).then(() => 'accepted', () => 'refused');
    expect(refused).to.equal('refused');
    for (const reply of await Promise.all(streams)) {
      expectOneFinalFrameLast(reply);
      expect(reply.frames.at(-1)!.data.global_output).to.include({ answer_success: 1 });
      expect(reply.frames.map((f) => f.data.response).join('')).to.equal('一二三四五六七八九十一二三四五六七八九十');
    }
    expect(await service.exited).to.equal(0);
    expect(service.lines.find((l) => l.message === 'stopped')).to.include({ how: 'drained' });
  });

  it('when the drain limit passes, then the remaining 20 streams end with one apology frame each and it exits 0', async () => {
    service = await spawnService({ SHUTDOWN_DRAIN_MS: '300', MOCK_LLM_DELAY_MS: '200', MOCK_LLM_ANSWER: '慢'.repeat(200) });
    const streams = Array.from({ length: 20 }, () => postSse(service!.url, A_QUESTION));
    await untilOpenStreams(service.url, 20);
    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    for (const reply of await Promise.all(streams)) {
      expectOneFinalFrameLast(reply);
      const last = reply.frames.at(-1)!.data;
      expect(last.global_output).to.deep.equal({ answer_success: 0, docs: [] });
      // The apology says what happened (a restart), not that the bot is busy.
      expect(last.response).to.equal('抱歉，机器人正在重启，回答被中断了，请稍后重新提问。');
    }
    expect(await service.exited).to.equal(0);
    expect(Date.now() - signalledAt).to.be.lessThan(10_000); // did not wait for the 40 s answers
    expect(service.lines.find((l) => l.message === 'stopped')).to.include({ how: 'cut' });
  });

  it('when a second signal arrives during the drain, then the streams end with their final frame at once and it exits 0', async () => {
    service = await spawnService({ SHUTDOWN_DRAIN_MS: '60000', MOCK_LLM_DELAY_MS: '200', MOCK_LLM_ANSWER: '慢'.repeat(200) });
    const streams = Array.from({ length: 3 }, () => postSse(service!.url, A_QUESTION));
    await untilOpenStreams(service.url, 3);
    service.child.kill('SIGTERM');
    await sleep(300);
    service.child.kill('SIGINT');
    for (const reply of await Promise.all(streams)) {
      expectOneFinalFrameLast(reply);
      expect(reply.frames.at(-1)!.data.global_output).to.include({ answer_success: 0 });
    }
    expect(await service.exited).to.equal(0);
  });
});
