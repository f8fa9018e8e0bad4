import { expect } from 'chai';
import { CallerGone, DeadlineExceeded } from '../../src/domain/turn-failure.js';
import { DOC_A, FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import type { TurnEvent } from '../../src/domain/turn-event.js';
import { aTurn, collect, useCases } from '../support/turns.js';

describe('StreamChatUseCase', () => {
  it('when the model streams pieces, then they come out in order followed by one answered end', async () => {
    const llm = new ScriptedLlm(['配置', '回调', '地址']);
    const { stream } = useCases(llm);
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(events.slice(0, 3)).to.deep.equal([
      { kind: 'piece', text: '配置' },
      { kind: 'piece', text: '回调' },
      { kind: 'piece', text: '地址' },
    ]);
    expect(events).to.have.length(4);
    const end = events[3];
    expect(end?.kind).to.equal('end');
    if (end?.kind === 'end') {
      expect(end.outcome.answered).to.equal(true);
      expect(end.outcome.failure).to.equal(undefined);
      expect(end.outcome.recall.docs).to.deep.equal([DOC_A]);
    }
  });

  it('when documents are recalled, then the model is asked with them as context and the question last', async () => {
    const llm = new ScriptedLlm(['好']);
    const { stream, kb } = useCases(llm);
    await collect(stream, aTurn({ businessKeys: ['it'] }), new AbortController().signal);
    expect(kb.queries).to.deep.equal([{ text: '怎么配置回调地址？', businessKeys: ['it'], traceId: 'trace-1' }]);
    expect(llm.prompts[0]!.traceId).to.equal('trace-1');
    const prompt = llm.prompts[0]!;
    expect(prompt.question).to.equal('怎么配置回调地址？');
    expect(prompt.messages.at(-1)).to.deep.equal({ role: 'user', content: '怎么配置回调地址？' });
    expect(prompt.messages.some((m) => m.role === 'system' && m.content.includes(DOC_A.title))).to.equal(true);
  });

  it('when a piece ends in half a surrogate pair, then the character is held back and emitted whole', async () => {
    const emoji = '😊';
    const llm = new ScriptedLlm(['Hi ', emoji[0]!, emoji[1]! + '!', '\ud800']);
    const { stream } = useCases(llm);
    const events = await collect(stream, aTurn(), new AbortController().signal);
    const pieces = events.flatMap((e) => (e.kind === 'piece' ? [e.text] : []));
    expect(pieces).to.deep.equal(['Hi ', '😊!', '\ufffd']);
    for (const p of pieces) expect(p.isWellFormed()).to.equal(true);
  });

  it('when the deadline passes while the model is silent, then the turn ends with a deadline failure and the model is aborted', async () => {
    const llm = new ScriptedLlm(['开始', { wait: 10_000 }, '太晚']);
    const { stream } = useCases(llm, { policy: { deadlineMs: 150 } });
    const started = Date.now();
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(Date.now() - started).to.be.lessThan(1000);
    expect(events.map((e) => e.kind)).to.deep.equal(['piece', 'end']);
    const end = events[1];
    if (end?.kind !== 'end') throw new Error('no end');
    expect(end.outcome).to.include({ answered: false, failure: 'deadline' });
    expect(llm.abortReasons[0]).to.be.instanceOf(DeadlineExceeded);
  });

  it('when the model hangs and ignores its signal, then the deadline still ends the turn', async () => {
    const llm = new ScriptedLlm([{ hang: true }]);
    const { stream } = useCases(llm, { policy: { deadlineMs: 100 } });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    const end = events.at(-1);
    expect(end?.kind === 'end' && end.outcome.failure).to.equal('deadline');
  });

  it('when the deadline counts from when the call arrived, then time already spent is deducted', async () => {
    const llm = new ScriptedLlm([{ wait: 400 }, '晚了']);
    const { stream } = useCases(llm, { policy: { deadlineMs: 500 } });
    const started = Date.now();
    const events = await collect(stream, aTurn({ receivedAt: Date.now() - 300 }), new AbortController().signal);
    expect(Date.now() - started).to.be.lessThan(390);
    const end = events.at(-1);
    expect(end?.kind === 'end' && end.outcome.failure).to.equal('deadline');
  });

  it('when the model fails mid-stream, then the pieces so far are kept and the turn ends with llm_unavailable', async () => {
    const llm = new ScriptedLlm(['一', '二', { fail: new Error('connection reset') }]);
    const { stream, log } = useCases(llm);
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(events.map((e) => e.kind)).to.deep.equal(['piece', 'piece', 'end']);
    const end = events[2];
    expect(end?.kind === 'end' && end.outcome).to.include({ answered: false, failure: 'llm_unavailable' });
    expect(log.lines.some((l) => l.level === 'warn' && l.fields.error === 'connection reset')).to.equal(true);
  });

  it('when the knowledge base fails, then the turn ends with knowledge_base_unavailable and the model is not asked', async () => {
    const llm = new ScriptedLlm(['不该出现']);
    const kb = new FakeKnowledgeBase([], { fail: new Error('index gone') });
    const { stream } = useCases(llm, { kb });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(events).to.have.length(1);
    const end = events[0];
    expect(end?.kind === 'end' && end.outcome.failure).to.equal('knowledge_base_unavailable');
    expect(llm.calls).to.equal(0);
  });

  it('when the model returns nothing, then the turn is an empty_answer failure, not a blank success', async () => {
    const { stream } = useCases(new ScriptedLlm(['', '']));
    const events = await collect(stream, aTurn(), new AbortController().signal);
    const end = events.at(-1);
    expect(end?.kind === 'end' && end.outcome.failure).to.equal('empty_answer');
  });

  it('when the caller hangs up mid-answer, then the model sees the abort and the stream rejects with CallerGone', async () => {
    const llm = new ScriptedLlm(['一', { wait: 5000 }, '二']);
    const { stream } = useCases(llm);
    const hangUp = new AbortController();
    const seen: string[] = [];
    let error: unknown;
    try {
      await stream.execute(aTurn(), hangUp.signal, (e) => {
        if (e.kind === 'piece') {
          seen.push(e.text);
          setTimeout(() => hangUp.abort(), 20);
        }
      });
    } catch (e) {
      error = e;
    }
    expect(seen).to.deep.equal(['一']);
    expect(error).to.be.instanceOf(CallerGone);
    expect(llm.abortReasons[0]).to.be.instanceOf(CallerGone);
  });

  it('when the caller hangs up during recall, then the knowledge base sees the abort', async () => {
    const kb = new FakeKnowledgeBase([DOC_A], { delayMs: 5000 });
    const llm = new ScriptedLlm(['x']);
    const { stream } = useCases(llm, { kb });
    const hangUp = new AbortController();
    setTimeout(() => hangUp.abort(), 30);
    let error: unknown;
    try {
      await collect(stream, aTurn(), hangUp.signal);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(CallerGone);
    expect(kb.abortReasons[0]).to.be.instanceOf(CallerGone);
    expect(llm.calls).to.equal(0);
  });

  it('when the receiver fails on a piece, then its own error comes back, nothing more is handed over and the model is released', async () => {
    const llm = new ScriptedLlm(['一', '二', '三']);
    const { stream, log } = useCases(llm);
    const gone = new Error('socket gone');
    const seen: TurnEvent[] = [];
    const error = await stream
      .execute(aTurn(), new AbortController().signal, (e) => {
        seen.push(e);
        throw gone;
      })
      .catch((e: unknown) => e);
    expect(error).to.equal(gone); // not taken for a failure of the model being awaited
    expect(seen).to.have.length(1);
    expect(llm.aborted).to.equal(true);
    expect(log.lines.filter((l) => l.level !== 'info')).to.deep.equal([]);
  });

  it('when the receiver lags, then the next piece waits until it has caught up', async () => {
    const { stream } = useCases(new ScriptedLlm(['一', '二']));
    const order: string[] = [];
    await stream.execute(aTurn(), new AbortController().signal, (e) => {
      order.push(e.kind === 'piece' ? e.text : 'end');
      if (e.kind === 'piece' && e.text === '一') {
        return new Promise<void>((resolve) => setTimeout(() => (order.push('caught up'), resolve()), 30));
      }
    });
    expect(order).to.deep.equal(['一', 'caught up', '二', 'end']);
  });

  it('when the receiver lags past the deadline, then the turn ends with the deadline failure all the same', async () => {
    const { stream } = useCases(new ScriptedLlm(['一', '二']), { policy: { deadlineMs: 100 } });
    const events: TurnEvent[] = [];
    await stream.execute(aTurn(), new AbortController().signal, (e) => {
      events.push(e);
      if (e.kind === 'piece') return new Promise<void>(() => undefined); // never catches up
    });
    const end = events.at(-1);
    expect(events.map((e) => e.kind)).to.deep.equal(['piece', 'end']);
    expect(end?.kind === 'end' && end.outcome.failure).to.equal('deadline');
  });

  it('when msg_type is not text, then a polite reply is given without asking anyone', async () => {
    const llm = new ScriptedLlm(['x']);
    const { stream, kb } = useCases(llm);
    const events = await collect(stream, aTurn({ msgType: 'image' }), new AbortController().signal);
    expect(events[0]).to.deep.equal({ kind: 'piece', text: '只支持文字' });
    const end = events[1];
    if (end?.kind !== 'end') throw new Error('no end');
    expect(end.outcome.answered).to.equal(false);
    expect(end.outcome.failure).to.equal(undefined);
    expect(llm.calls + kb.queries.length).to.equal(0);
  });

  it('when nothing is recalled, then the configured no-answer reply is given with answered false and the model is not asked', async () => {
    const llm = new ScriptedLlm(['x']);
    const { stream } = useCases(llm, { kb: new FakeKnowledgeBase([]), policy: { noAnswerReply: '没有找到相关资料' } });
    const events = await collect(stream, aTurn(), new AbortController().signal);
    expect(events[0]).to.deep.equal({ kind: 'piece', text: '没有找到相关资料' });
    const end = events[1];
    expect(end?.kind === 'end' && end.outcome.answered).to.equal(false);
    expect(llm.calls).to.equal(0);
  });
});
