import { expect } from 'chai';
import { RedisConnection } from '../../src/adapters/store/redis-client.js';
import { RedisConversationStore } from '../../src/adapters/store/redis-conversation.store.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

const done = { pieces: ['答'], outcome: { answered: true, recall: { docs: [], ok: true } } };

describe('the Redis conversation store', () => {
  let redis: TestRedis;
  let connection: RedisConnection;
  let store: RedisConversationStore;

  before(async () => {
    redis = await startTestRedis();
    connection = new RedisConnection({ url: redis.url, commandTimeoutMs: 1000 }, new CapturingLogger());
    store = new RedisConversationStore(connection, redis.keyPrefix);
  });
  after(async () => {
    await connection?.close();
    await redis?.close();
  });

  it('when exchanges are appended past maxTurns, then the newest are kept, oldest first, with the TTL set in Redis', async () => {
    for (let i = 1; i <= 4; i += 1) {
      await store.append('s:1', { question: `问${i}`, answer: `答${i}` }, { maxTurns: 3, ttlMs: 60_000 });
    }
    expect((await store.history('s:1')).map((e) => e.question)).to.deep.equal(['问2', '问3', '问4']);
    const ttl = await connection.client.pttl(`${redis.keyPrefix}conv:s:1`);
    expect(ttl).to.be.within(1, 60_000);
  });

  it('when the TTL passes, then the conversation is gone', async () => {
    await store.append('s:short', { question: '问', answer: '答' }, { maxTurns: 3, ttlMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.history('s:short')).to.deep.equal([]);
  });

  it('when a turn key is claimed twice, then the second sees it running, then its recorded answer; released, it can be claimed again', async () => {
    expect(await store.claimTurn('t:1', 5000)).to.deep.equal({ status: 'claimed' });
    expect(await store.claimTurn('t:1', 5000)).to.deep.equal({ status: 'running' });
    await store.finishTurn('t:1', done, 60_000);
    expect(await store.claimTurn('t:1', 5000)).to.deep.equal({ status: 'finished', turn: done });
    await store.releaseTurn('t:1');
    expect(await store.claimTurn('t:1', 5000)).to.deep.equal({ status: 'claimed' });
  });

  it('when many callers claim the same key at once, then exactly one gets it', async () => {
    const claims = await Promise.all(Array.from({ length: 20 }, () => store.claimTurn('t:race', 5000)));
    expect(claims.filter((c) => c.status === 'claimed')).to.have.length(1);
  });

  it('when asked for health while connected, then it is ok', async () => {
    expect(await store.health()).to.deep.include({ ok: true });
  });
});
