import { expect } from 'chai';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('when Redis goes away and comes back', () => {
  let redis: TestRedis;
  let service: TestService | undefined;

  before(async () => {
    redis = await startTestRedis({ own: true }); // the test stops and starts it
  });
  after(async () => {
    await service?.close();
    await redis?.close();
  });

  const ask = (content: string, msgId?: string) =>
    sendJson(service!.url, '/chat/sync', { body: { ...A_QUESTION, session_id: 'outage', content, ...(msgId ? { msg_id: msgId } : {}) } });
  const ready = async () => (await fetch(`${service!.url}/ready`)).status;
  const history = (llm: ScriptedLlm, call: number) =>
    llm.prompts[call]!.messages.filter((m) => m.role !== 'system').map((m) => m.content);

  it('then turns are still answered without memory, the outage is logged once and shown by /ready, and memory returns with Redis', async () => {
    const llm = new ScriptedLlm(['回答']);
    service = await startTestService(
      { SESSION_STORE: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix },
      { llm },
    );
    await ask('问一');
    expect(await ready()).to.equal(200);

    await redis.stop();
    const started = Date.now();
    for (const content of ['问二', '问三', '问四']) {
      const reply = await ask(content, `during-outage-${content}`);
      expect(reply.status).to.equal(200);
      expect(reply.body).to.include({ code: 0, msg_content: '回答' });
    }
    expect(Date.now() - started, 'a dead Redis does not stall turns').to.be.lessThan(5000);
    expect(history(llm, 1), 'no memory while Redis is down').to.deep.equal(['问二']);
    expect(await ready()).to.equal(503);
    const health = await fetch(`${service.url}/health`);
    expect(health.status, 'liveness stays ok').to.equal(200);
    expect(((await health.json()) as { session_store: unknown }).session_store).to.deep.include({ store: 'redis', ok: false });
    const outageLines = service.logLines().filter((l) => String(l.message).startsWith('redis unreachable'));
    expect(outageLines, 'logged once per outage, not per call').to.have.length(1);
    expect(outageLines[0]).to.include({ level: 'error' });

    await redis.start();
    const deadline = Date.now() + 10_000;
    while ((await ready()) !== 200) {
      expect(Date.now(), 'reconnected within 10 s').to.be.lessThan(deadline);
      await sleep(100);
    }
    await ask('问五');
    await ask('问六');
    expect(history(llm, llm.prompts.length - 1)).to.deep.equal(['问五', '回答', '问六']);
    expect(service.logLines().some((l) => String(l.message).startsWith('redis reachable again'))).to.equal(true);
  });
});
