import { expect } from 'chai';
import type { LlmPort, LlmPrompt, ReadyPieces } from '../../src/application/ports/llm.port.js';
import { CallerGone } from '../../src/domain/turn-failure.js';
import type { TurnEvent } from '../../src/domain/turn-event.js';
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
