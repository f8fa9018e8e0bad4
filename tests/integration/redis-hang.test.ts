import { expect } from 'chai';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('when Redis hangs (answers nothing) and then answers again', () => {
  let redis: TestRedis;
  let service: TestService | undefined;
  before(async () => {
    redis = await startTestRedis({ own: true });
  });
  after(async () => {
    redis?.resume();
    await service?.close();
    await redis?.close();
  });

  it('then turns stop waiting on it after a few timeouts, the hang is logged once and shown by /ready, and memory returns', async () => {
    const llm = new ScriptedLlm(['回答']);
    service = await startTestService(
      { SESSION_STORE: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix, REDIS_COMMAND_TIMEOUT_MS: '200' },
      { llm },
    );
    const ask = (content: string) => sendJson(service!.url, '/chat/sync', { body: { ...A_QUESTION, session_id: 'hang', content } });
    await ask('问一');

    redis.pause();
    const started = Date.now();
    for (let i = 0; i < 10; i++) {
      const reply = await ask(`挂起时的问题${i}`);
      expect(reply.body).to.include({ code: 0, msg_content: '回答' });
    }
    // Without skipping, each turn would wait out two 200 ms command timeouts (4 s for ten).
    expect(Date.now() - started, 'a hung Redis stops costing turns').to.be.lessThan(2500);
    const hangLines = service.logLines().filter((l) => String(l.message).startsWith('redis is not answering'));
    expect(hangLines, 'logged once, not per call').to.have.length(1);
    expect((await fetch(`${service.url}/ready`)).status).to.equal(503);

    redis.resume();
    const deadline = Date.now() + 15_000;
    let remembered = false;
    while (!remembered) {
      expect(Date.now(), 'memory back within 15 s').to.be.lessThan(deadline);
      await sleep(300);
      await ask('恢复后的问题');
      const last = llm.prompts.at(-1)!.messages.map((m) => m.content);
      remembered = last.includes('问一');
    }
    expect(service.logLines().some((l) => String(l.message).startsWith('redis answers again'))).to.equal(true);
  });
});
