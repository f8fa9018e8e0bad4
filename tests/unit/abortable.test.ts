import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { AbortRace, raceAbort } from '../../src/application/abortable.js';

const never = () => new Promise<never>(() => undefined);

describe('AbortRace and raceAbort', () => {
  it('when the signal aborts while a race waits on a promise that never settles, then the race rejects with the reason', async () => {
    const control = new AbortController();
    const race = new AbortRace(control.signal);
    const first = await race.race(Promise.resolve('一'));
    const waiting = race.race(never());
    const reason = new Error('deadline');
    setTimeout(() => control.abort(reason), 10);
    let error: unknown;
    try {
      await waiting;
    } catch (e) {
      error = e;
    }
    expect(first).to.equal('一');
    expect(error).to.equal(reason);
    race.dispose();
  });

  it('when the signal has already aborted, then a race rejects at once and the work rejecting later is not unhandled', async () => {
    const control = new AbortController();
    const race = new AbortRace(control.signal);
    control.abort(new Error('gone'));
    let rejectWork: (e: Error) => void = () => undefined;
    const work = new Promise<string>((_, reject) => (rejectWork = reject));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let message = '';
      await race.race(work).catch((e: Error) => (message = e.message));
      rejectWork(new Error('late failure'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(message).to.equal('gone');
      expect(unhandled).to.deep.equal([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('when a race is disposed, then its listener is gone from the signal', () => {
    const signal = new AbortController().signal;
    const before = listenerCount(signal);
    const race = new AbortRace(signal);
    expect(listenerCount(signal)).to.equal(before + 1);
    race.dispose();
    expect(listenerCount(signal)).to.equal(before);
  });

  it('when raceAbort settles with its promise, then it leaves no listener behind', async () => {
    const signal = new AbortController().signal;
    expect(await raceAbort(Promise.resolve(7), signal)).to.equal(7);
    let message = '';
    await raceAbort(Promise.reject(new Error('kb down')), signal).catch((e: Error) => (message = e.message));
    expect(message).to.equal('kb down');
    expect(listenerCount(signal)).to.equal(0);
  });
});

function listenerCount(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}
