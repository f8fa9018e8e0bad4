import { expect } from 'chai';
import type { LlmPort, LlmPrompt, ReadyPieces } from '../../src/application/ports/llm.port.js';
import { CallerGone } from '../../src/domain/turn-failure.js';
import type { TurnEvent } from '../../src/domain/turn-event.js';
import type { RecallQuery } from '../../src/application/ports/knowledge-base.port.js';
import type { RecallResult } from '../../src/domain/recall-result.js';
import { DOC_A, FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { aTurn, collect, useCases } from '../support/turns.js';

/** A model with its whole answer at hand: its iterator offers `nextReady()`, and counts how it was read. */
class ReadyLlm implements LlmPort {
  readyCalls = 0;
  nextCalls = 0;
  returned = false;
  signal?: AbortSignal;

  constructor(private readonly pieces: readonly string[]) {}

  streamAnswer(_prompt: LlmPrompt, signal: AbortSignal): AsyncIterable<string> {
    this.signal = signal;
    let index = 0;
    const model = this as ReadyLlm;
    const iterator: ReadyPieces & AsyncIterable<string> = {
      nextReady() {
        model.readyCalls += 1;
        if (signal.aborted) throw signal.reason;
        return index < model.pieces.length ? { value: model.pieces[index++] as string, done: false } : { value: undefined, done: true };
      },
      async next() {
        model.nextCalls += 1;
        return iterator.nextReady();
      },
      async return() {
        model.returned = true;
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

describe('StreamChatUseCase with an answer at hand (ReadyPieces)', () => {
  it('when the model offers nextReady, then the pieces are taken that way and the events are those of the awaited stream', async () => {
    const pieces = ['配置', '回调', '😊', '地址'];
    const ready = new ReadyLlm(pieces);
    const viaReady = await collect(useCases(ready).stream, aTurn(), new AbortController().signal);
    const viaAwait = await collect(useCases(new ScriptedLlm(pieces)).stream, aTurn(), new AbortController().signal);
    expect(viaReady).to.deep.equal(viaAwait);
    expect(viaReady.at(-1)).to.deep.include({ kind: 'end' });
    expect(ready.readyCalls).to.equal(pieces.length + 1);
    expect(ready.nextCalls).to.equal(0);
    expect(ready.signal?.aborted).to.equal(false); // a whole answer: nothing to stop
  });

  it('when the sync use case folds such an answer, then the text is the whole answer', async () => {
    const { sync } = useCases(new ReadyLlm(['一', '二', '三']));
    const answer = await sync.execute(aTurn(), new AbortController().signal);
    expect(answer.text).to.equal('一二三');
    expect(answer.outcome).to.include({ answered: true, reason: 'answered' });
  });

  it('when the receiver lags past the deadline, then the turn ends with the deadline failure and the model is released', async () => {
    const ready = new ReadyLlm(['一', '二']);
    const { stream } = useCases(ready, { policy: { deadlineMs: 100 } });
    const events: TurnEvent[] = [];
    await stream.execute(aTurn(), new AbortController().signal, (e) => {
      events.push(e);
      if (e.kind === 'piece') return new Promise<void>(() => undefined); // never catches up
    });
    expect(events.map((e) => e.kind)).to.deep.equal(['piece', 'end']);
    const end = events.at(-1);
    expect(end?.kind === 'end' && end.outcome.failure).to.equal('deadline');
    expect(ready.signal?.aborted).to.equal(true);
    expect(ready.returned).to.equal(true);
    expect(ready.readyCalls).to.equal(1);
  });

  it('when the caller hangs up while the receiver lags, then the turn rejects with CallerGone and takes no further piece', async () => {
    const ready = new ReadyLlm(['一', '二']);
    const { stream } = useCases(ready);
    const hangUp = new AbortController();
    const error = await stream
      .execute(aTurn(), hangUp.signal, (e) => {
        if (e.kind !== 'piece') return undefined;
        setTimeout(() => hangUp.abort(), 20);
        return new Promise<void>(() => undefined);
      })
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CallerGone);
    expect(ready.signal?.reason).to.be.instanceOf(CallerGone);
    expect(ready.readyCalls).to.equal(1);
  });
});

describe('StreamChatUseCase: a turn\'s signal serves the next turn only when it ended whole and clean', () => {
  it('when a turn ended whole and its model left no listener, then the next turn may get the same signal, and its deadline still fires', async () => {
    const first = new ReadyLlm(['一']);
    const second = new ReadyLlm(['二', '三']);
    const third = new ReadyLlm(['四']);
    const { stream } = useCases(new SwitchingLlm([first, second, third]), { kb: new TidyKnowledgeBase(), policy: { deadlineMs: 100 } });
    await collect(stream, aTurn(), new AbortController().signal);
    const events: TurnEvent[] = [];
    await stream.execute(aTurn({ traceId: 'trace-2' }), new AbortController().signal, (e) => {
      events.push(e);
      if (e.kind === 'piece') return new Promise<void>(() => undefined); // never catches up
    });
    expect(second.signal).to.equal(first.signal); // reused
    const end = events.at(-1);
    expect(end?.kind === 'end' && end.outcome.failure).to.equal('deadline');
    // That signal aborted: it is not handed out again.
    await collect(stream, aTurn({ traceId: 'trace-3', receivedAt: Date.now() }), new AbortController().signal);
    expect(third.signal).to.not.equal(first.signal);
    expect(third.signal?.aborted).to.equal(false);
  });

  it('when a model left a listener on its signal, or the turn was cut short, then the next turn gets a fresh signal', async () => {
    const after = new ReadyLlm(['二']);
    const switching = new SwitchingLlm([new ScriptedLlm(['一']), after]); // the scripted model listens on its signal for good
    const { stream } = useCases(switching, { kb: new TidyKnowledgeBase() });
    await collect(stream, aTurn(), new AbortController().signal);
    await collect(stream, aTurn({ traceId: 'trace-2' }), new AbortController().signal);
    expect(switching.signals[1]).to.not.equal(switching.signals[0]);
    expect(after.signal?.aborted).to.equal(false);

    const cut = new ReadyLlm(['一', '二']);
    const next = new ReadyLlm(['三']);
    const lagging = useCases(new SwitchingLlm([cut, next]), { kb: new TidyKnowledgeBase(), policy: { deadlineMs: 50 } });
    await lagging.stream.execute(aTurn(), new AbortController().signal, (e) =>
      e.kind === 'piece' ? new Promise<void>(() => undefined) : undefined,
    );
    expect(cut.signal?.aborted).to.equal(true);
    await collect(lagging.stream, aTurn({ traceId: 'trace-3', receivedAt: Date.now() }), new AbortController().signal);
    expect(next.signal).to.not.equal(cut.signal);
    expect(next.signal?.aborted).to.equal(false);
  });
});

/** Answers each turn with the next model of the list (to see which signal each turn got). */
class SwitchingLlm implements LlmPort {
  readonly signals: AbortSignal[] = [];
  private index = 0;
  constructor(private readonly models: readonly LlmPort[]) {}
  streamAnswer(prompt: LlmPrompt, signal: AbortSignal): AsyncIterable<string> {
    this.signals.push(signal);
    return this.models[this.index++]!.streamAnswer(prompt, signal);
  }
}

/** The fake knowledge base without its abort listener (it keeps one for good, which rules reuse out). */
class TidyKnowledgeBase extends FakeKnowledgeBase {
  override async recall(query: RecallQuery): Promise<RecallResult> {
    this.queries.push(query);
    return { docs: [DOC_A], ok: true };
  }
}
