import { expect } from 'chai';
import { ConversationMemory, sessionKey } from '../../src/application/conversation-memory.js';
import { PromptBuilder } from '../../src/application/prompt-builder.js';
import { StreamChatUseCase } from '../../src/application/stream-chat.use-case.js';
import type { TurnPolicy } from '../../src/application/turn-policy.js';
import type { TurnEvent, TurnOutcome } from '../../src/domain/turn-event.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';
import { FakeConversationStore } from '../fakes/fake-conversation-store.fake.js';
import { FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { PASSAGE_VPN } from '../fakes/faq-entries.fake.js';
import { RewritingLlm, type RewriteStep } from '../fakes/rewriting-llm.fake.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { aTurn, collect } from '../support/turns.js';

/** A fresh follow-up turn (its deadline counts from now). */
const followUp = () => aTurn({ content: '那这个怎么弄？', sessionId: 's-1' });

/** The use case with memory holding one VPN exchange for the follow-up's conversation. */
function withMemory(llm: ScriptedLlm, policy: Partial<TurnPolicy> = {}) {
  const store = new FakeConversationStore();
  store.sessions.set(sessionKey(followUp()), [{ question: 'VPN 连不上怎么办？', answer: '请重启 VPN 客户端。' }]);
  const log = new CapturingLogger();
  const memory = new ConversationMemory(store, { maxTurns: 10, historyChars: 4000, ttlMs: 60_000 }, log);
  const kb = new FakeKnowledgeBase([PASSAGE_VPN]);
  const stream = new StreamChatUseCase(
    llm,
    kb,
    new PromptBuilder({ systemPrompt: 'system', maxContextChars: 1000 }),
    { deadlineMs: 5000, unsupportedMsgTypeReply: '只支持文字', rewrite: { timeoutMs: 1000, minRemainingMs: 0 }, ...policy },
    log,
    memory,
  );
  return { stream, kb, log, store };
}

function outcomeOf(events: TurnEvent[]): TurnOutcome {
  expect(events.filter((e) => e.kind === 'end')).to.have.length(1);
  const end = events.at(-1);
  if (end?.kind !== 'end') throw new Error('the turn did not end with an end event');
  return end.outcome;
}

const rewriting = (step: RewriteStep) => new RewritingLlm(['好的'], step);

describe('StreamChatUseCase: follow-up questions are searched for as standalone questions', () => {
  it('when a model cannot rewrite, then "那这个怎么弄？" after a VPN question is searched for with the VPN words', async () => {
    const llm = new ScriptedLlm(['重启即可']);
    const { stream, kb } = withMemory(llm);
    const events = await collect(stream, followUp(), new AbortController().signal);
    expect(kb.queries[0]!.text).to.equal('VPN 连不上 那这个怎么弄？');
    expect(outcomeOf(events)).to.include({ answered: true, standaloneQuestion: 'VPN 连不上 那这个怎么弄？' });
    // The model reads the conversation and the question as asked.
    expect(llm.prompts[0]!.messages.at(-1)).to.deep.equal({ role: 'user', content: '那这个怎么弄？' });
    expect(llm.prompts[0]!.messages.some((m) => m.content === 'VPN 连不上怎么办？')).to.equal(true);
  });

  it('when the model can rewrite, then it sees the history and the question, and its rewrite is searched for', async () => {
    const llm = rewriting({ text: '“VPN 客户端怎么重新安装？”' });
    const { stream, kb } = withMemory(llm);
    const events = await collect(stream, followUp(), new AbortController().signal);
    expect(llm.rewrites).to.have.length(1);
    expect(llm.rewrites[0]!.question).to.equal('那这个怎么弄？');
    expect(llm.rewrites[0]!.history.map((m) => m.content)).to.deep.equal(['VPN 连不上怎么办？', '请重启 VPN 客户端。']);
    expect(kb.queries[0]!.text).to.equal('VPN 客户端怎么重新安装？');
    expect(outcomeOf(events)).to.include({ answered: true, standaloneQuestion: 'VPN 客户端怎么重新安装？' });
  });

  it('when the new question cannot lean on the previous one (no pointer back, words of its own), then the model is not asked to rewrite it: no call before the answer', async () => {
    const llm = rewriting({ text: '不该用到' });
    const { stream, kb } = withMemory(llm);
    const events = await collect(stream, aTurn({ content: '打印机怎么设置双面打印？', sessionId: 's-1' }), new AbortController().signal);
    expect(llm.rewrites).to.have.length(0);
    expect(kb.queries[0]!.text).to.equal('打印机怎么设置双面打印？');
    expect(outcomeOf(events)).to.include({ answered: true });
    // A question with a pointer back, however long, still goes to the model.
    const again = rewriting({ text: 'VPN 在 Mac 上怎么重新安装？' });
    const second = withMemory(again);
    await collect(second.stream, aTurn({ content: '那 Mac 电脑上的客户端也是这样装吗？', sessionId: 's-1' }), new AbortController().signal);
    expect(again.rewrites).to.have.length(1);
    expect(second.kb.queries[0]!.text).to.equal('VPN 在 Mac 上怎么重新安装？');
  });

  it('when there is no history, then the question is searched for as asked and the model is not asked to rewrite', async () => {
    const llm = rewriting({ text: '不该用到' });
    const { stream, kb } = withMemory(llm);
    const events = await collect(stream, aTurn({ content: '那这个怎么弄？', sessionId: 'other' }), new AbortController().signal);
    expect(llm.rewrites).to.have.length(0);
    expect(kb.queries[0]!.text).to.equal('那这个怎么弄？');
    expect(outcomeOf(events).standaloneQuestion).to.equal(undefined);
  });

  it('when the rewrite fails, hangs past its timeout, or is unusable, then the topic words are carried instead and the turn is answered', async () => {
    const steps: RewriteStep[] = [{ fail: new Error('upstream 503') }, { hang: true }, { text: '  \n' }, { text: '答'.repeat(500) }];
    for (const step of steps) {
      const llm = rewriting(step);
      const { stream, kb, log } = withMemory(llm, { rewrite: { timeoutMs: 150, minRemainingMs: 0 } });
      const started = Date.now();
      const events = await collect(stream, followUp(), new AbortController().signal);
      expect(Date.now() - started, JSON.stringify(step)).to.be.lessThan(1000);
      expect(kb.queries[0]!.text).to.equal('VPN 连不上 那这个怎么弄？');
      expect(outcomeOf(events)).to.include({ answered: true, reason: 'answered' });
      expect(log.lines.some((l) => l.level === 'warn' && l.message.startsWith('question rewrite'))).to.equal(true);
    }
  });

  it('when the rewrite would not leave the answer enough of the deadline, then it is skipped', async () => {
    const llm = rewriting({ text: '不该用到' });
    const { stream, kb } = withMemory(llm, { deadlineMs: 5000, rewrite: { timeoutMs: 1000, minRemainingMs: 4990 } });
    await collect(stream, followUp(), new AbortController().signal);
    expect(llm.rewrites).to.have.length(0);
    expect(kb.queries[0]!.text).to.equal('VPN 连不上 那这个怎么弄？');
  });

  it('when the model is too slow for the deadline, then the turn still ends by its deadline and the rewrite is aborted', async () => {
    const llm = rewriting({ text: '太晚了', waitMs: 10_000 });
    const { stream } = withMemory(llm, { deadlineMs: 200, rewrite: { timeoutMs: 10_000, minRemainingMs: 0 } });
    const started = Date.now();
    const events = await collect(stream, followUp(), new AbortController().signal);
    expect(Date.now() - started).to.be.lessThan(600);
    expect(events.filter((e) => e.kind === 'end')).to.have.length(1);
    expect(llm.rewriteAborts).to.have.length(1);
  });

  it('when the rewriting model hangs and ignores its signal past the deadline, then the turn ends by its deadline', async () => {
    const llm = rewriting({ hang: true });
    const { stream } = withMemory(llm, { deadlineMs: 200, rewrite: { timeoutMs: 10_000, minRemainingMs: 0 } });
    const started = Date.now();
    const events = await collect(stream, followUp(), new AbortController().signal);
    expect(Date.now() - started).to.be.lessThan(600);
    expect(events.filter((e) => e.kind === 'end')).to.have.length(1);
  });
});
