import { expect } from 'chai';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

/** Two service instances behind one Redis, as behind a load balancer. */
describe('several instances sharing one Redis', () => {
  let redis: TestRedis;
  let services: TestService[] = [];

  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    await redis?.close();
  });
  afterEach(async () => {
    await Promise.all(services.map((s) => s.close()));
    services = [];
  });

  async function twoInstances(a: ScriptedLlm, b: ScriptedLlm): Promise<[TestService, TestService]> {
    const env = { SESSION_STORE: 'redis', REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix };
    services = [await startTestService(env, { llm: a }), await startTestService(env, { llm: b })];
    return services as [TestService, TestService];
  }

  const ask = (service: TestService, content: string, extra: object = {}) =>
    sendJson(service.url, '/chat/sync', { body: { ...A_QUESTION, session_id: 'shared-session', content, ...extra } });

  it("when one session's turns alternate between two instances, then each instance's LLM sees the other's earlier turns", async () => {
    const llmA = new ScriptedLlm(['来自实例A的回答']);
    const llmB = new ScriptedLlm(['来自实例B的回答']);
    const [a, b] = await twoInstances(llmA, llmB);

    expect((await ask(a, '第一个问题')).body).to.include({ code: 0, msg_content: '来自实例A的回答' });
    expect((await ask(b, '第二个问题')).body).to.include({ code: 0, msg_content: '来自实例B的回答' });
    expect((await ask(a, '第三个问题')).body).to.include({ code: 0 });

    const onB = llmB.prompts[0]!.messages.filter((m) => m.role !== 'system');
    expect(onB).to.deep.equal([
      { role: 'user', content: '第一个问题' },
      { role: 'assistant', content: '来自实例A的回答' },
      { role: 'user', content: '第二个问题' },
    ]);
    const onA = llmA.prompts[1]!.messages.filter((m) => m.role !== 'system').map((m) => m.content);
    expect(onA).to.deep.equal(['第一个问题', '来自实例A的回答', '第二个问题', '来自实例B的回答', '第三个问题']);
  });

  it('when a finished msg_id is repeated on the other instance, then it replays the same answer and frames without calling its LLM', async () => {
    const llmA = new ScriptedLlm(['只', '回答', '一次']);
    const llmB = new ScriptedLlm(['不该出现']);
    const [a, b] = await twoInstances(llmA, llmB);
    const body = { ...A_QUESTION, msg_id: 'retried-1' };

    const first = await postSse(a.url, body);
    const repeat = await postSse(b.url, body);
    const sync = await sendJson(b.url, '/chat/sync', { body });

    expect(llmA.calls).to.equal(1);
    expect(llmB.calls).to.equal(0);
    expect(repeat.frames.map((f) => f.data)).to.deep.equal(first.frames.map((f) => f.data));
    expect(repeat.frames.map((f) => f.data.response).join('')).to.equal('只回答一次');
    expect(sync.body).to.include({ code: 0, msg_content: '只回答一次' });
  });

  it('when a msg_id is repeated on the other instance while the first still runs, then the repeat waits for it and no second LLM call happens', async () => {
    const llmA = new ScriptedLlm(['慢慢', { wait: 600 }, '地回答']);
    const llmB = new ScriptedLlm(['不该出现']);
    const [a, b] = await twoInstances(llmA, llmB);
    const body = { ...A_QUESTION, msg_id: 'retried-2' };

    const first = sendJson(a.url, '/chat/sync', { body });
    while (llmA.calls === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const repeat = await sendJson(b.url, '/chat/sync', { body });

    expect(repeat.body).to.include({ code: 0, msg_content: '慢慢地回答' });
    expect((await first).body).to.include({ code: 0, msg_content: '慢慢地回答' });
    expect(llmB.calls).to.equal(0);
    expect(repeat.body.third_party_trace_id).to.not.equal((await first).body.third_party_trace_id);
  });
});
