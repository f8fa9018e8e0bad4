import { expect } from 'chai';
import { turnKey } from '../../src/application/idempotent-turns.js';
import type { FinishedTurn } from '../../src/application/ports/conversation-store.port.js';
import type { TurnEvent } from '../../src/domain/turn-event.js';
import { CallerGone, TurnFailure } from '../../src/domain/turn-failure.js';
import { FakeConversationStore } from '../fakes/fake-conversation-store.fake.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { rememberingUseCases } from '../support/conversation-turns.js';
import { aTurn, collect } from '../support/turns.js';

const never = new AbortController().signal;
const pieces = (events: TurnEvent[]) => events.flatMap((e) => (e.kind === 'piece' ? [e.text] : []));
const end = (events: TurnEvent[]) => events.at(-1) as Extract<TurnEvent, { kind: 'end' }>;

describe('idempotency on msg_id in the use cases', () => {
  it('when a finished msg_id is repeated on the stream, then the same pieces and outcome are replayed and the LLM is not called again', async () => {
    const llm = new ScriptedLlm(['在后台', '填写', '回调地址。']);
    const { stream } = rememberingUseCases(llm);
    const first = await collect(stream, aTurn({ msgId: 'm-1', traceId: 't-1' }), never);
    const repeat = await collect(stream, aTurn({ msgId: 'm-1', traceId: 't-2' }), never);
    expect(llm.calls).to.equal(1);
    expect(pieces(repeat)).to.deep.equal(['在后台', '填写', '回调地址。']);
    expect(pieces(repeat)).to.deep.equal(pieces(first));
    expect(end(repeat).outcome.answered).to.equal(true);
    expect(end(repeat).outcome.recall.docs.map((d) => d.docId)).to.deep.equal(end(first).outcome.recall.docs.map((d) => d.docId));
  });

  it('when a finished msg_id is repeated on sync, then the same answer comes back and the LLM is not called again', async () => {
    const llm = new ScriptedLlm(['一次', '回答']);
    const { sync } = rememberingUseCases(llm);
    const first = await sync.execute(aTurn({ msgId: 'm-1' }), never);
    const repeat = await sync.execute(aTurn({ msgId: 'm-1' }), never);
    expect(llm.calls).to.equal(1);
    expect(repeat.text).to.equal('一次回答');
    expect(repeat.text).to.equal(first.text);
    expect(repeat.outcome.answered).to.equal(first.outcome.answered);
  });

  it('when a duplicate arrives while the first call still runs, then it waits for that answer and the LLM runs once', async () => {
    const llm = new ScriptedLlm(['慢', { wait: 150 }, '回答']);
    const { sync, stream } = rememberingUseCases(llm);
    const [a, b, c] = await Promise.all([
      sync.execute(aTurn({ msgId: 'm-1' }), never),
      sync.execute(aTurn({ msgId: 'm-1' }), never),
      collect(stream, aTurn({ msgId: 'm-1' }), never),
    ]);
    expect(llm.calls).to.equal(1);
    expect([a.text, b.text, pieces(c).join('')]).to.deep.equal(['慢回答', '慢回答', '慢回答']);
  });

  it('when the first call failed, then a retry with the same msg_id gets a fresh attempt', async () => {
    const failing = new ScriptedLlm([{ fail: new TurnFailure('llm_unavailable', 'upstream 503') }]);
    const store = new FakeConversationStore();
    const first = await rememberingUseCases(failing, { store }).sync.execute(aTurn({ msgId: 'm-1' }), never);
    expect(first.outcome.failure).to.equal('llm_unavailable');
    const working = new ScriptedLlm(['这次好了']);
    const retry = await rememberingUseCases(working, { store }).sync.execute(aTurn({ msgId: 'm-1' }), never);
    expect(working.calls).to.equal(1);
    expect(retry.text).to.equal('这次好了');
  });

  it('when the first caller hangs up, then a waiting duplicate runs the turn itself', async () => {
    const llm = new ScriptedLlm(['一', { wait: 100 }, '二']);
    const { sync } = rememberingUseCases(llm);
    const hangUp = new AbortController();
    const first = sync.execute(aTurn({ msgId: 'm-1' }), hangUp.signal);
    const second = sync.execute(aTurn({ msgId: 'm-1' }), never);
    setTimeout(() => hangUp.abort(new CallerGone()), 30);
    let gone: unknown;
    await first.catch((error: unknown) => (gone = error));
    expect(gone).to.be.instanceOf(CallerGone);
    expect((await second).text).to.equal('一二');
    expect(llm.calls).to.equal(2);
  });

  it('when two users send the same msg_id, then each gets its own answer', async () => {
    const llm = new ScriptedLlm(['回答']);
    const { sync } = rememberingUseCases(llm);
    await sync.execute(aTurn({ user: 'zhangsan', msgId: 'm-1' }), never);
    await sync.execute(aTurn({ user: 'lisi', msgId: 'm-1' }), never);
    expect(llm.calls).to.equal(2);
  });

  it('when another instance runs the msg_id, then the repeat polls the store and replays its answer without calling the LLM', async () => {
    const llm = new ScriptedLlm(['不该被调用']);
    const store = new FakeConversationStore();
    const { sync } = rememberingUseCases(llm, { store });
    const turn = aTurn({ msgId: 'm-1' });
    store.turns.set(turnKey(turn), { status: 'running' }); // claimed by another instance
    const finished: FinishedTurn = { pieces: ['别的实例', '的回答'], outcome: { answered: true, recall: { docs: [], ok: true } } };
    setTimeout(() => void store.finishTurn(turnKey(turn), finished), 80);
    const repeat = await sync.execute(turn, never);
    expect(repeat.text).to.equal('别的实例的回答');
    expect(llm.calls).to.equal(0);
    expect(store.calls.filter((c) => c === 'claimTurn').length).to.be.greaterThan(1);
  });

  it('when the first call runs past the repeat deadline, then the repeat ends with a deadline failure and no second generation', async () => {
    const llm = new ScriptedLlm(['慢', { wait: 400 }, '回答']);
    const { sync } = rememberingUseCases(llm, { deadlineMs: 1000 });
    const first = sync.execute(aTurn({ msgId: 'm-1' }), never);
    const repeat = await sync.execute(aTurn({ msgId: 'm-1', receivedAt: Date.now() - 900 }), never);
    expect(repeat.outcome.failure).to.equal('deadline');
    expect((await first).text).to.equal('慢回答');
    expect(llm.calls).to.equal(1);
  });

  it('when the store is down, then concurrent duplicates in one process still share one generation', async () => {
    const llm = new ScriptedLlm(['慢', { wait: 100 }, '回答']);
    const store = new FakeConversationStore();
    store.down = true;
    const { sync } = rememberingUseCases(llm, { store });
    const [a, b] = await Promise.all([sync.execute(aTurn({ msgId: 'm-1' }), never), sync.execute(aTurn({ msgId: 'm-1' }), never)]);
    expect([a.text, b.text]).to.deep.equal(['慢回答', '慢回答']);
    expect(llm.calls).to.equal(1);
  });
});
