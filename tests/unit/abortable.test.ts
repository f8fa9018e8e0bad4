import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import { AbortRace, raceAbort } from '../../src/application/abortable.js';

const never = () => new Promise<never>(() => undefined);

describe('AbortRace and raceAbort', () => {
  it('when the turn aborts while a race waits on a promise that never settles, then the race rejects with the reason and the signal aborts with it', async () => {
    const race = new AbortRace();
    const first = await race.race(Promise.resolve('一'));
    const waiting = race.race(never());
    const reason = new Error('deadline');
    setTimeout(() => race.abort(reason), 10);
    let error: unknown;
    try {
      await waiting;
    } catch (e) {
      error = e;
    }
    expect(first).to.equal('一');
    expect(error).to.equal(reason);
    expect(race.signal.reason).to.equal(reason);
  });

  it('when the turn is aborted twice, then the first reason stays', () => {
    const race = new AbortRace();
    const first = new Error('deadline');
    race.abort(first);
    race.abort(new Error('turn finished'));
    expect(race.aborted).to.equal(true);
    expect(race.signal.reason).to.equal(first);
  });

  it('when the turn has already aborted, then a race rejects at once and the work rejecting later is not unhandled', async () => {
    const race = new AbortRace();
    race.abort(new Error('gone'));
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

  it('when a turn races, then no listener is put on its signal (the ports are the only listeners)', async () => {
    const race = new AbortRace();
    await race.race(Promise.resolve(1));
    expect(listenerCount(race.signal)).to.equal(0);
  });

  it('when raceAbort settles with its promise, then it leaves no listener behind', async () => {
    const signal = new AbortController().signal;
    expect(await raceAbort(Promise.resolve(7), signal)).to.equal(7);
    let message = '';
    await raceAbort(Promise.reject(new Error('kb down')), signal).catch((e: Error) => (message = e.message));
    expect(message).to.equal('kb down');
    expect(listenerCount(signal)).to.equal(0);
  });

  it('when a race ended unaborted with nothing listening, then it is reusable; aborted or with a listener left, it is not', () => {
    const clean = new AbortRace();
    expect(clean.reusable()).to.equal(true);
    const listened = new AbortRace();
    listened.signal.addEventListener('abort', () => undefined);
    expect(listened.reusable()).to.equal(false);
    const aborted = new AbortRace();
    aborted.abort(new Error('deadline'));
    expect(aborted.reusable()).to.equal(false);
  });
});

function listenerCount(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}
