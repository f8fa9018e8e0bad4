import { expect } from 'chai';
import { DECLINE_MARKER } from '../../src/application/decline-marker.js';
import { DEFAULT_NO_ANSWER_REPLY } from '../../src/application/turn-policy.js';
import { DOC_A, FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { scored } from '../fakes/faq-entries.fake.js';
import { sseOf } from '../support/fake-openai-server.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { everyProvider } from '../support/every-provider.js';
import { startTestService } from '../support/test-service.js';

const ASK = { user: 'u', msg_type: 'text', content: '报销单怎么填写？' };

describe('answers: when the bot does not answer (nothing recalled, the model declined)', () => {
  const h = everyProvider();

  it('when nothing recalled scores KB_MIN_SCORE, then every provider sends the no-answer reply, answer_success 0, reason no_recall, without the model', async () => {
    for (const [name, env] of Object.entries(h.providers())) {
      // A remote retrieval API may hand back low scores: the turn applies KB_MIN_SCORE itself.
      h.service = await startTestService({ ...env, KB_MIN_SCORE: '0.5' }, { knowledgeBase: new FakeKnowledgeBase([scored(DOC_A, 0.4)]) });
      const sync = await sendJson(h.service.url, '/chat/sync', { body: ASK });
      expect(sync.body, name).to.include({ code: 0, msg_content: DEFAULT_NO_ANSWER_REPLY, is_recall_success: 0 });
      expect(sync.headers.get('x-answer-reason'), name).to.equal('no_recall');
      const stream = await postSse(h.service.url, ASK);
      expect(stream.frames.map((f) => f.data.response).join(''), name).to.equal(DEFAULT_NO_ANSWER_REPLY);
      expect(stream.frames.at(-1)!.data.global_output, name).to.deep.equal({ answer_success: 0, docs: [] });
      const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
      expect(metrics, name).to.match(/yishiting_bot_answers_total\{answer_success="0",reason="no_recall"\} 2/);
      await h.service.close();
      h.service = undefined;
    }
    expect(h.upstream!.requests).to.have.length(0);
  });

  it('when NO_ANSWER_REPLY is set, then it is the reply; KB_NO_RECALL_REPLY, its older name, counts only without it', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ NO_ANSWER_REPLY: '没找到，请转人工。' }, '没找到，请转人工。'],
      [{ KB_NO_RECALL_REPLY: '旧的回复' }, '旧的回复'],
      [{ KB_NO_RECALL_REPLY: '旧的回复', NO_ANSWER_REPLY: '新的回复' }, '新的回复'],
    ];
    for (const [env, reply] of cases) {
      h.service = await startTestService(env, { knowledgeBase: new FakeKnowledgeBase([]) });
      const sync = await sendJson(h.service.url, '/chat/sync', { body: ASK });
      expect(sync.body, JSON.stringify(env)).to.include({ msg_content: reply });
      await h.service.close();
      h.service = undefined;
    }
  });

  it('when NO_RECALL_ASK_MODEL=true, then a real model is asked without references, and the extractive one still is not', async () => {
    const { openai, extractive } = h.providers();
    h.service = await startTestService({ ...openai, NO_RECALL_ASK_MODEL: 'true' }, { knowledgeBase: new FakeKnowledgeBase([]) });
    const asked = await sendJson(h.service.url, '/chat/sync', { body: ASK });
    expect(asked.body).to.include({ code: 0, msg_content: '模型的回答' });
    expect(h.upstream!.requests).to.have.length(1);
    await h.service.close();
    h.service = await startTestService({ ...extractive, NO_RECALL_ASK_MODEL: 'true' }, { knowledgeBase: new FakeKnowledgeBase([]) });
    const quoted = await sendJson(h.service.url, '/chat/sync', { body: ASK });
    expect(quoted.body).to.include({ code: 0, msg_content: DEFAULT_NO_ANSWER_REPLY });
    expect(quoted.headers.get('x-answer-reason')).to.equal('no_recall');
  });

  it('when the model replies with the marker split across h.upstream chunks, then the no-answer reply, answer_success 0, reason model_declined', async () => {
    h.upstream!.reply({ body: sseOf(['  [[NO', '_ANS', 'WER]]', '（资料中没有）']) });
    h.service = await startTestService(h.providers().openai, { knowledgeBase: new FakeKnowledgeBase([DOC_A]) });
    const stream = await postSse(h.service.url, ASK);
    expect(stream.frames.map((f) => f.data.response).join('')).to.equal(DEFAULT_NO_ANSWER_REPLY);
    expect(stream.frames.at(-1)!.data.global_output).to.deep.include({ answer_success: 0 });
    const sync = await sendJson(h.service.url, '/chat/sync', { body: ASK });
    expect(sync.body).to.include({ code: 0, msg_content: DEFAULT_NO_ANSWER_REPLY, is_recall_success: 1 });
    expect(sync.headers.get('x-answer-reason')).to.equal('model_declined');
    // The model was told how to decline.
    const system = (h.upstream!.requests[0]!.body.messages as { content: string }[])[0]!.content;
    expect(system).to.include(DECLINE_MARKER);
    const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
    expect(metrics).to.match(/yishiting_bot_answers_total\{answer_success="0",reason="model_declined"\} 2/);
  });

  it('when the model ignores the instruction and answers, then the answer goes out with answer_success 1', async () => {
    h.upstream!.reply({ body: sseOf(['[注意] ', '请在', '系统里填写。']) });
    h.service = await startTestService(h.providers().openai, { knowledgeBase: new FakeKnowledgeBase([DOC_A]) });
    const sync = await sendJson(h.service.url, '/chat/sync', { body: ASK });
    expect(sync.body).to.include({ code: 0, msg_content: '[注意] 请在系统里填写。' });
    expect(sync.headers.get('x-answer-reason')).to.equal('answered');
  });
});
