import { expect } from 'chai';
import { DECLINE_INSTRUCTION, DECLINE_MARKER } from '../../src/application/decline-marker.js';
import { PromptBuilder } from '../../src/application/prompt-builder.js';
import { DOC_A } from '../fakes/fake-knowledge-base.fake.js';
import { FAQ_VPN, PASSAGE_VPN } from '../fakes/faq-entries.fake.js';
import { aTurn } from '../support/turns.js';

describe('PromptBuilder: FAQ entries, sections and the way to decline', () => {
  const builder = new PromptBuilder({ systemPrompt: '你是 IT 助手。', maxContextChars: 1000 });
  const system = (docs: Parameters<PromptBuilder['build']>[1]['docs']) => builder.build(aTurn(), { docs, ok: true }).messages[0]!.content;

  it('when an FAQ entry is context, then it reads as question and answer', () => {
    expect(system([FAQ_VPN])).to.include(`[1] 问：${FAQ_VPN.title} (${FAQ_VPN.url})\n答：${FAQ_VPN.answer}`);
  });

  it('when a passage has a heading path and a page, then both are shown (the title not twice)', () => {
    expect(system([DOC_A, PASSAGE_VPN])).to.include(`[2] 《VPN 使用手册》（章节：安装 › Windows，第 4 页）\n${PASSAGE_VPN.content}`);
    expect(system([{ ...PASSAGE_VPN, headingPath: ['附录', '常见问题'], page: undefined }])).to.include('《VPN 使用手册》（章节：附录 › 常见问题）\n');
    expect(system([DOC_A])).to.include(`[1] 《${DOC_A.title}》 (${DOC_A.url})\n${DOC_A.content}`);
  });

  it('when there are references, then the model is told to reply with the marker alone if they do not answer it', () => {
    expect(system([DOC_A])).to.include(DECLINE_INSTRUCTION);
    expect(DECLINE_INSTRUCTION).to.include(DECLINE_MARKER);
  });

  it('when there are none (NO_RECALL_ASK_MODEL), then there is nothing to decline from and no marker is asked for', () => {
    expect(system([])).to.not.include(DECLINE_MARKER);
  });

  it('when a standalone question is given, then models that read only the question get it, and the conversation keeps the one asked', () => {
    const prompt = builder.build(aTurn({ content: '那这个怎么弄？' }), { docs: [], ok: true }, [], 'VPN 那这个怎么弄？');
    expect(prompt.question).to.equal('VPN 那这个怎么弄？');
    expect(prompt.messages.at(-1)).to.deep.equal({ role: 'user', content: '那这个怎么弄？' });
  });
});
