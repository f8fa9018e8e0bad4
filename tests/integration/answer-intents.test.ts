import { expect } from 'chai';
import { DEFAULT_HANDOFF_REPLY, DEFAULT_SMALL_TALK_REPLY } from '../../src/config/sections/answers.section.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

const ASK = { user: 'u', msg_type: 'text' };

describe('answers that need no knowledge: a person asked for, greetings', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when the user asks for a person, then the hand-off reply comes at once with answer_success 0, and the model is not called', async () => {
    const llm = new ScriptedLlm(['模型的回答']);
    service = await startTestService({}, { llm });
    const reply = await postSse(service.url, { ...ASK, content: '转人工' });
    const last = reply.frames.at(-1)!.data;
    expect(reply.frames.map((f) => f.data.response).join('')).to.equal(DEFAULT_HANDOFF_REPLY);
    expect(last.global_output).to.include({ answer_success: 0 });
    expect(llm.calls).to.equal(0);
    await new Promise((r) => setTimeout(r, 30));
    expect(service.logLines().find((l) => l.message === 'call')).to.include({ reason: 'handoff_requested' });
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).to.match(/yishiting_bot_answers_total\{answer_success="0",reason="handoff_requested"\} 1/);
  });

  it('when the user only greets, then a short polite reply, not "nothing found", with every provider', async () => {
    for (const provider of ['extractive', 'mock']) {
      service = await startTestService({ LLM_PROVIDER: provider, KB_PROVIDER: 'local', EXTRACTIVE_DELAY_MS: '0' });
      const reply = await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: '你好' } });
      expect(reply.body, provider).to.include({ code: 0, msg_content: DEFAULT_SMALL_TALK_REPLY });
      await service.close();
      service = undefined;
    }
  });

  it('when a question is answered or nothing is found, then the log line says why', async () => {
    service = await startTestService({ LLM_PROVIDER: 'extractive', KB_PROVIDER: 'local', EXTRACTIVE_DELAY_MS: '0' });
    await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: '怎么配置回调地址？' } });
    await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: '今天天气怎么样' } });
    await new Promise((r) => setTimeout(r, 30));
    const reasons = service.logLines().filter((l) => l.message === 'call').map((l) => l.reason);
    expect(reasons).to.deep.equal(['answered', 'no_recall']);
  });
});
