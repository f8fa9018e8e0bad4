import { expect } from 'chai';
import { NO_CONTEXT_NOTE, PromptBuilder } from '../../src/application/prompt-builder.js';
import type { ChatMessage } from '../../src/domain/chat-turn.js';
import { DOC_A } from '../fakes/fake-knowledge-base.fake.js';
import { aTurn } from '../support/turns.js';

const DOC_B = { ...DOC_A, docId: 'doc-b', title: '密码重置', url: '', content: '在自助门户重置域账号密码。' };

describe('PromptBuilder', () => {
  const builder = new PromptBuilder({ systemPrompt: '你是 IT 助手。', maxContextChars: 1000 });

  it('when docs were recalled, then one system message holds the prompt and the numbered, titled passages, and the question comes last', () => {
    const prompt = builder.build(aTurn({ content: '怎么重置密码？' }), { docs: [DOC_A, DOC_B], ok: true });
    expect(prompt.messages.filter((m) => m.role === 'system')).to.have.length(1);
    const system = prompt.messages[0]!.content;
    expect(system.startsWith('你是 IT 助手。')).to.equal(true);
    expect(system).to.include(`[1] 《${DOC_A.title}》 (${DOC_A.url})\n${DOC_A.content}`);
    expect(system).to.include(`[2] 《${DOC_B.title}》\n${DOC_B.content}`);
    expect(prompt.messages.at(-1)).to.deep.equal({ role: 'user', content: '怎么重置密码？' });
    expect(prompt.question).to.equal('怎么重置密码？');
    expect(prompt.docs).to.deep.equal([DOC_A, DOC_B]);
  });

  it('when nothing was recalled, then the model is told so', () => {
    const prompt = builder.build(aTurn(), { docs: [], ok: true });
    expect(prompt.messages[0]!.content).to.include(NO_CONTEXT_NOTE);
  });

  it('when history is given, then it sits between the system message and the question', () => {
    const history: ChatMessage[] = [
      { role: 'user', content: '之前的问题' },
      { role: 'assistant', content: '之前的回答' },
    ];
    const prompt = builder.build(aTurn({ content: '接着问' }), { docs: [], ok: true }, history);
    expect(prompt.messages.map((m) => m.role)).to.deep.equal(['system', 'user', 'assistant', 'user']);
    expect(prompt.messages.slice(1, 3)).to.deep.equal(history);
  });

  it('when passages exceed the budget, then they are cut to it without splitting a character', () => {
    const small = new PromptBuilder({ systemPrompt: 's', maxContextChars: 5 });
    const prompt = small.build(aTurn(), { docs: [{ ...DOC_A, content: '一二三四😀五六' }, DOC_B], ok: true });
    const system = prompt.messages[0]!.content;
    expect(system).to.include('一二三四\uFFFD');
    expect(system.isWellFormed()).to.equal(true);
    expect(system).to.not.include(DOC_B.title);
  });
});
