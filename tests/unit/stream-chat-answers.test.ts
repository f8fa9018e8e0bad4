import { expect } from 'chai';
import { DEFAULT_NO_ANSWER_REPLY } from '../../src/application/turn-policy.js';
import type { TurnEvent, TurnOutcome } from '../../src/domain/turn-event.js';
import { DOC_A, FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { FAQ_VPN, PASSAGE_VPN, scored } from '../fakes/faq-entries.fake.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { aTurn, collect, useCases } from '../support/turns.js';

const FAQ_POLICY = { minScore: 0.3, faqDirect: { score: 0.75, margin: 0.1 } };

const textOf = (events: TurnEvent[]) => events.flatMap((e) => (e.kind === 'piece' ? [e.text] : [])).join('');
function outcomeOf(events: TurnEvent[]): TurnOutcome {
  const end = events.at(-1);
  if (end?.kind !== 'end') throw new Error('the turn did not end with an end event');
  expect(events.filter((e) => e.kind === 'end')).to.have.length(1);
  return end.outcome;
}

describe('StreamChatUseCase: nothing relevant recalled', () => {
  it('when every recalled doc scores below the minimum, then the no-answer reply is sent, reason no_recall, and the model is not called', async () => {
    const llm = new ScriptedLlm(['不该出现']);
    const kb = new FakeKnowledgeBase([scored(DOC_A, 0.29), scored(PASSAGE_VPN, 0.1)]);
    const { stream } = useCases(llm, { kb, policy: { minScore: 0.3 } });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(textOf(events)).to.equal(DEFAULT_NO_ANSWER_REPLY);
    expect(outcomeOf(events)).to.deep.include({ answered: false, reason: 'no_recall', recall: { docs: [], ok: true } });
    expect(llm.calls).to.equal(0);
  });

  it('when the best doc scores enough, then it and the lower-ranked candidates go to the model and are cited', async () => {
    const llm = new ScriptedLlm(['答案']);
    const docs = [DOC_A, scored(PASSAGE_VPN, 0.2)];
    const kb = new FakeKnowledgeBase(docs);
    const { stream } = useCases(llm, { kb, policy: { minScore: 0.3 } });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(outcomeOf(events)).to.deep.include({ answered: true, reason: 'answered', recall: { docs, ok: true } });
    expect(llm.prompts[0]!.docs).to.deep.equal(docs);
  });

  it('when retrieval degraded to nothing (ok false), then the no-answer reply too, without the model', async () => {
    const llm = new ScriptedLlm(['x']);
    const kb = new FakeKnowledgeBase([], { degraded: true });
    const { stream } = useCases(llm, { kb, policy: { noAnswerReply: '找不到' } });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(textOf(events)).to.equal('找不到');
    expect(outcomeOf(events)).to.include({ answered: false, reason: 'no_recall' });
    expect(llm.calls).to.equal(0);
  });

  it('when noRecallAskModel is set, then the model is asked without references and its answer counts', async () => {
    const llm = new ScriptedLlm(['凭常识回答']);
    const { stream } = useCases(llm, { kb: new FakeKnowledgeBase([scored(DOC_A, 0.1)]), policy: { minScore: 0.3, noRecallAskModel: true } });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(textOf(events)).to.equal('凭常识回答');
    expect(outcomeOf(events)).to.deep.include({ answered: true, reason: 'answered', recall: { docs: [], ok: true } });
    expect(llm.prompts[0]!.docs).to.deep.equal([]);
  });
});

describe('StreamChatUseCase: FAQ entries answered directly', () => {
  it('when an FAQ entry is clearly right, then its stored answer is streamed verbatim in pieces, reason faq_direct, only it cited, no model call', async () => {
    const llm = new ScriptedLlm(['不该出现']);
    const kb = new FakeKnowledgeBase([FAQ_VPN, scored(PASSAGE_VPN, 0.5)]);
    const { stream, sync } = useCases(llm, { kb, policy: FAQ_POLICY });
    const events = await collect(stream, aTurn({ content: 'vpn 登不上去' }), new AbortController().signal);
    const pieces = events.filter((e) => e.kind === 'piece');
    expect(pieces.length).to.be.greaterThan(1);
    expect(textOf(events)).to.equal(FAQ_VPN.answer);
    expect(outcomeOf(events)).to.deep.include({ answered: true, reason: 'faq_direct', recall: { docs: [FAQ_VPN], ok: true } });
    const whole = await sync.execute(aTurn(), new AbortController().signal);
    expect(whole.text).to.equal(FAQ_VPN.answer);
    expect(llm.calls).to.equal(0);
  });

  it('when the entry is below the direct score or too close to the runner-up, then it is context for the model as question and answer', async () => {
    for (const docs of [[scored(FAQ_VPN, 0.7)], [FAQ_VPN, { ...scored(FAQ_VPN, 0.85), docId: 'faq-other', title: '另一个问题' }]]) {
      const llm = new ScriptedLlm(['模型回答']);
      const { stream } = useCases(llm, { kb: new FakeKnowledgeBase(docs), policy: FAQ_POLICY });
      const events = await collect(stream, aTurn(), new AbortController().signal);
      expect(outcomeOf(events)).to.include({ answered: true, reason: 'answered' });
      expect(llm.calls).to.equal(1);
      expect(llm.prompts[0]!.messages[0]!.content).to.include(`问：${FAQ_VPN.title}`).and.include(`答：${FAQ_VPN.answer}`);
    }
  });

  it('when a direct answer is longer than ANSWER_MAX_CHARS, then it is cut like any answer', async () => {
    const { stream } = useCases(new ScriptedLlm([]), { kb: new FakeKnowledgeBase([FAQ_VPN]), policy: { ...FAQ_POLICY, answerMaxChars: 10 } });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(textOf(events).startsWith(FAQ_VPN.answer!.slice(0, 10))).to.equal(true);
    expect(textOf(events)).to.include('截断');
    expect(outcomeOf(events)).to.include({ answered: true, reason: 'faq_direct' });
  });

  it('when the receiver lags on a direct answer past the deadline, then the turn still ends by its deadline', async () => {
    const { stream } = useCases(new ScriptedLlm([]), { kb: new FakeKnowledgeBase([FAQ_VPN]), policy: { ...FAQ_POLICY, deadlineMs: 100 } });
    const events: TurnEvent[] = [];
    const started = Date.now();
    await stream.execute(aTurn(), new AbortController().signal, (e) => {
      events.push(e);
      if (e.kind === 'piece') return new Promise<void>(() => undefined);
    });
    expect(Date.now() - started).to.be.lessThan(1000);
    expect(outcomeOf(events)).to.include({ failure: 'deadline' });
  });
});
