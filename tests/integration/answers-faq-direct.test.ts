import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { FAQ_VPN, PASSAGE_VPN, scored } from '../fakes/faq-entries.fake.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { everyProvider } from '../support/every-provider.js';
import { startTestService } from '../support/test-service.js';

const ASK = { user: 'u', msg_type: 'text', content: 'vpn 登不上去' };

describe('answers: FAQ entries answered directly', () => {
  const h = everyProvider();

  it('when the best entry is clearly right, then every provider streams its stored answer verbatim, cites only it, answer_success 1, no model call', async () => {
    for (const [name, env] of Object.entries(h.providers())) {
      h.service = await startTestService(env, { knowledgeBase: new FakeKnowledgeBase([FAQ_VPN, scored(PASSAGE_VPN, 0.5)]) });
      // A user each: with history the question would first go to the model to be made standalone.
      const stream = await postSse(h.service.url, { ...ASK, user: `${name}-1` });
      const pieces = stream.frames.slice(0, -1).map((f) => f.data.response);
      expect(pieces.length, name).to.be.greaterThan(1);
      expect(pieces.join(''), name).to.equal(FAQ_VPN.answer);
      expect(stream.frames.at(-1)!.data.global_output, name).to.deep.equal({
        answer_success: 1,
        docs: [{ doc_id: FAQ_VPN.docId, title: FAQ_VPN.title, url: FAQ_VPN.url }],
      });
      const sync = await sendJson(h.service.url, '/chat/sync', { body: { ...ASK, user: `${name}-2` } });
      expect(sync.body, name).to.include({ code: 0, msg_content: FAQ_VPN.answer, is_recall_success: 1 });
      expect((sync.body.recall_docs as { doc_id: string }[]).map((d) => d.doc_id), name).to.deep.equal([FAQ_VPN.docId]);
      expect(sync.headers.get('x-answer-reason'), name).to.equal('faq_direct');
      const metrics = await (await fetch(`${h.service.url}/metrics`)).text();
      expect(metrics, name).to.match(/yishiting_bot_answers_total\{answer_success="1",reason="faq_direct"\} 2/);
      await h.service.close();
      h.service = undefined;
    }
    expect(h.upstream!.requests).to.have.length(0);
  });

  it('when the entry is not clear enough (KB_FAQ_DIRECT_SCORE, KB_FAQ_DIRECT_MARGIN), then the model answers with it as context', async () => {
    const stricter: Record<string, string>[] = [{ KB_FAQ_DIRECT_SCORE: '0.95' }, { KB_FAQ_DIRECT_MARGIN: '0.5' }];
    for (const env of stricter) {
      h.service = await startTestService({ ...h.providers().openai, ...env }, { knowledgeBase: new FakeKnowledgeBase([FAQ_VPN, { ...scored(FAQ_VPN, 0.5), docId: 'faq-other', title: '另一个问题' }]) });
      const sync = await sendJson(h.service.url, '/chat/sync', { body: ASK });
      expect(sync.body).to.include({ code: 0, msg_content: '模型的回答' });
      expect(sync.headers.get('x-answer-reason')).to.equal('answered');
      await h.service.close();
      h.service = undefined;
    }
    expect(h.upstream!.requests).to.have.length(2);
    const system = (h.upstream!.requests[0]!.body.messages as { content: string }[])[0]!.content;
    expect(system).to.include(`问：${FAQ_VPN.title}`).and.include(`答：${FAQ_VPN.answer}`);
  });

  it('when the local FAQ\'s best wording swaps a topic word of the question (开通 / 注销), then it is not answered directly, even under a low threshold', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faq-swap-'));
    try {
      const rows = [
        { id: 'vpn-open', question: '怎么开通 VPN 账号', answer: '在自助门户提交开通申请。' },
        { id: 'mail-full', question: '邮箱容量满了怎么办', answer: '清理已删除邮件。' },
      ];
      writeFileSync(join(dir, 'faq.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
      h.service = await startTestService({ ...h.providers().extractive, KB_PROVIDER: 'local', KB_DIR: dir, KB_MIN_SCORE: '0.1', KB_FAQ_DIRECT_SCORE: '0.2', KB_FAQ_DIRECT_MARGIN: '0' });
      const swapped = await sendJson(h.service.url, '/chat/sync', { body: { ...ASK, content: '怎么注销 VPN 账号' } });
      expect(swapped.headers.get('x-answer-reason')).to.not.equal('faq_direct');
      expect((swapped.body.recall_docs as { doc_id: string }[])[0]?.doc_id).to.equal('vpn-open'); // still recalled, as context
      const same = await sendJson(h.service.url, '/chat/sync', { body: { ...ASK, user: 'u2', content: 'VPN 账号怎么开通' } });
      expect(same.headers.get('x-answer-reason')).to.equal('faq_direct');
      expect(same.body.msg_content).to.equal('在自助门户提交开通申请。');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
