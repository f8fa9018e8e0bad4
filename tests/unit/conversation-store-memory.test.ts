import { expect } from 'chai';
import { MemoryConversationStore } from '../../src/adapters/store/memory-conversation.store.js';

const keep = { maxTurns: 10, ttlMs: 60_000 };
const exchange = (n: number) => ({ question: `问${n}`, answer: `答${n}` });
const done = { pieces: ['答'], outcome: { answered: true, recall: { docs: [], ok: true } } };

describe('the in-memory conversation store', () => {
  it('when 100k distinct sessions are written, then it holds no more than SESSION_MAX_SESSIONS and keeps the newest', async () => {
    const store = new MemoryConversationStore(1000);
    for (let i = 0; i < 100_000; i += 1) await store.append(`s-${i}`, exchange(i), keep);
    expect(store.sessionCount).to.equal(1000);
    expect(await store.history('s-99999')).to.deep.equal([exchange(99_999)]);
    expect(await store.history('s-0')).to.deep.equal([]);
  });

  it('when a session is read, then it becomes the most recently used and survives eviction', async () => {
    const store = new MemoryConversationStore(2);
    await store.append('a', exchange(1), keep);
    await store.append('b', exchange(2), keep);
    await store.history('a');
    await store.append('c', exchange(3), keep);
    expect(await store.history('a')).to.have.length(1);
    expect(await store.history('b')).to.deep.equal([]);
  });

  it('when SESSION_TTL_S passes after the last turn, then the conversation is forgotten; a new turn restarts the clock', async () => {
    let now = 0;
    const store = new MemoryConversationStore(10, () => now);
    await store.append('s', exchange(1), { maxTurns: 10, ttlMs: 1000 });
    now = 900;
    await store.append('s', exchange(2), { maxTurns: 10, ttlMs: 1000 });
    now = 1800;
    expect(await store.history('s')).to.deep.equal([exchange(1), exchange(2)]);
    now = 1901;
    expect(await store.history('s')).to.deep.equal([]);
    expect(store.sessionCount).to.equal(0);
  });

  it('when more than maxTurns exchanges are appended, then only the newest are kept', async () => {
    const store = new MemoryConversationStore(10);
    for (let i = 1; i <= 5; i += 1) await store.append('s', exchange(i), { maxTurns: 3, ttlMs: 60_000 });
    expect(await store.history('s')).to.deep.equal([exchange(3), exchange(4), exchange(5)]);
  });

  it('when a turn key is claimed, then a second claim sees it running, then finished, and a released key can be claimed again', async () => {
    const store = new MemoryConversationStore(10);
    expect(await store.claimTurn('t', 1000)).to.deep.equal({ status: 'claimed' });
    expect(await store.claimTurn('t', 1000)).to.deep.equal({ status: 'running' });
    await store.finishTurn('t', done, 1000);
    expect(await store.claimTurn('t', 1000)).to.deep.equal({ status: 'finished', turn: done });
    await store.releaseTurn('t');
    expect(await store.claimTurn('t', 1000)).to.deep.equal({ status: 'claimed' });
  });

  it('when a running claim outlives its TTL (its instance died), then the key can be claimed again', async () => {
    let now = 0;
    const store = new MemoryConversationStore(10, () => now);
    await store.claimTurn('t', 1000);
    now = 1001;
    expect(await store.claimTurn('t', 1000)).to.deep.equal({ status: 'claimed' });
  });
});
