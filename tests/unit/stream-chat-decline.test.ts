import { expect } from 'chai';
import { DECLINE_MARKER } from '../../src/application/decline-marker.js';
import { DEFAULT_NO_ANSWER_REPLY } from '../../src/application/turn-policy.js';
import type { TurnEvent, TurnOutcome } from '../../src/domain/turn-event.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { aTurn, collect, useCases } from '../support/turns.js';

const textOf = (events: TurnEvent[]) => events.flatMap((e) => (e.kind === 'piece' ? [e.text] : [])).join('');
function outcomeOf(events: TurnEvent[]): TurnOutcome {
  expect(events.filter((e) => e.kind === 'end')).to.have.length(1);
  const end = events.at(-1);
  if (end?.kind !== 'end') throw new Error('the turn did not end with an end event');
  return end.outcome;
}

describe('StreamChatUseCase: the model declines with the no-answer marker', () => {
  it('when the marker arrives split at any chunk boundary, then the no-answer reply is sent, reason model_declined, and the model is stopped', async () => {
    const text = `\n${DECLINE_MARKER}参考资料里没有。`;
    for (let i = 1; i < text.length; i++) {
      const llm = new ScriptedLlm([text.slice(0, i), text.slice(i), { wait: 5000 }, '不该出现']);
      const { stream } = useCases(llm);
      const started = Date.now();
      const events = await collect(stream, aTurn(), new AbortController().signal);
      expect(textOf(events), `split at ${i}`).to.equal(DEFAULT_NO_ANSWER_REPLY);
      const outcome = outcomeOf(events);
      expect(outcome).to.include({ answered: false, reason: 'model_declined' });
      expect(outcome.failure).to.equal(undefined);
      expect(outcome.recall.docs).to.have.length(1); // still reported (sync recall_docs) for the evaluator
      // Recognised as soon as the marker is whole: the model's pause is not waited for, and the model is stopped.
      expect(Date.now() - started).to.be.lessThan(1000);
      expect(llm.aborted).to.equal(true);
    }
  });

  it('when the model writes the marker one character at a time, then it is recognised all the same', async () => {
    const { stream } = useCases(new ScriptedLlm([...DECLINE_MARKER]), { policy: { noAnswerReply: '没找到' } });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(textOf(events)).to.equal('没找到');
    expect(outcomeOf(events).reason).to.equal('model_declined');
  });

  it('when the model ignores the instruction and answers, then the answer goes out unchanged', async () => {
    const pieces = ['[', '参考', '资料', '] 说：', '请重启。'];
    const { stream } = useCases(new ScriptedLlm(pieces));
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(textOf(events)).to.equal(pieces.join(''));
    expect(outcomeOf(events)).to.include({ answered: true, reason: 'answered' });
  });

  it('when the marker comes later in the answer, then it is part of the answer', async () => {
    const { stream } = useCases(new ScriptedLlm(['答：', DECLINE_MARKER]));
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(textOf(events)).to.equal(`答：${DECLINE_MARKER}`);
    expect(outcomeOf(events)).to.include({ answered: true, reason: 'answered' });
  });

  it('when the stream is only a prefix of the marker and ends, then those characters are the answer', async () => {
    const { stream } = useCases(new ScriptedLlm(['[[NO', '_ANS']));
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(textOf(events)).to.equal('[[NO_ANS');
    expect(outcomeOf(events)).to.include({ answered: true, reason: 'answered' });
  });

  it('when the text diverges from the marker, then the held characters go out at once, before the model goes on', async () => {
    const { stream } = useCases(new ScriptedLlm(['[[', 'N', 'o 问题', { wait: 400 }, '。']));
    const started = Date.now();
    const seen: { text: string; at: number }[] = [];
    await stream.execute(aTurn(), new AbortController().signal, (e) => {
      if (e.kind === 'piece') seen.push({ text: e.text, at: Date.now() - started });
    });
    expect(seen.map((s) => s.text)).to.deep.equal(['[[No 问题', '。']);
    expect(seen[0]!.at).to.be.lessThan(200);
  });

  it('when the deadline passes while a marker prefix is held, then the turn ends by its deadline', async () => {
    const { stream } = useCases(new ScriptedLlm(['[[NO_', { wait: 10_000 }]), { policy: { deadlineMs: 150 } });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(outcomeOf(events)).to.include({ answered: false, failure: 'deadline' });
  });
});
