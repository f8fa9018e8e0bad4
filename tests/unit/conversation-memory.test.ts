import { expect } from 'chai';
import { digest, sessionKey } from '../../src/application/conversation-memory.js';
import type { LlmPort, LlmPrompt } from '../../src/application/ports/llm.port.js';
import { TurnFailure } from '../../src/domain/turn-failure.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { rememberingUseCases } from '../support/conversation-turns.js';
import { aTurn, collect } from '../support/turns.js';

const never = new AbortController().signal;

/** An `LlmPort` whose n-th call plays the n-th script (a string answer, or an error to throw). */
class TurnByTurnLlm implements LlmPort {
  readonly prompts: LlmPrompt[] = [];
  constructor(private readonly answers: readonly (string | Error)[]) {}
  async *streamAnswer(prompt: LlmPrompt): AsyncIterable<string> {
    const answer = this.answers[this.prompts.length] ?? 'no more answers';
    this.prompts.push(prompt);
    if (answer instanceof Error) throw answer;
    yield* answer.split(/(?<=。)/);
  }
}

const dialogue = (prompt: LlmPrompt) => prompt.messages.filter((m) => m.role !== 'system');

describe('conversation memory in the use cases', () => {
  it('when a session already has an answered turn, then the next turn sends it to the LLM as user and assistant messages', async () => {
    const llm = new TurnByTurnLlm(['在后台填写回调地址。', '需要管理员权限。']);
    const { sync } = rememberingUseCases(llm);
    await sync.execute(aTurn({ sessionId: 's-1', content: '怎么配置回调地址？' }), never);
    await sync.execute(aTurn({ sessionId: 's-1', content: '需要什么权限？' }), never);
    expect(dialogue(llm.prompts[1]!)).to.deep.equal([
      { role: 'user', content: '怎么配置回调地址？' },
      { role: 'assistant', content: '在后台填写回调地址。' },
      { role: 'user', content: '需要什么权限？' },
    ]);
  });

  it('when two sessions differ, then neither sees the other one', async () => {
    const llm = new TurnByTurnLlm(['答一。', '答二。']);
    const { sync } = rememberingUseCases(llm);
    await sync.execute(aTurn({ sessionId: 's-1', content: '问一' }), never);
    await sync.execute(aTurn({ sessionId: 's-2', content: '问二' }), never);
    expect(dialogue(llm.prompts[1]!)).to.deep.equal([{ role: 'user', content: '问二' }]);
  });

  it('when session_id is missing, then the same user with the same business keys shares history and another user does not', async () => {
    const llm = new TurnByTurnLlm(['答一。', '答二。', '答三。']);
    const { sync } = rememberingUseCases(llm);
    await sync.execute(aTurn({ user: 'zhangsan', businessKeys: ['b', 'a'], content: '问一' }), never);
    await sync.execute(aTurn({ user: 'zhangsan', businessKeys: ['a', 'b'], content: '问二' }), never);
    await sync.execute(aTurn({ user: 'lisi', businessKeys: ['a', 'b'], content: '问三' }), never);
    expect(dialogue(llm.prompts[1]!).map((m) => m.content)).to.deep.equal(['问一', '答一。', '问二']);
    expect(dialogue(llm.prompts[2]!).map((m) => m.content)).to.deep.equal(['问三']);
  });

  it('when the LLM fails, then the turn is not remembered and the next turn starts without it', async () => {
    const llm = new TurnByTurnLlm([new TurnFailure('llm_unavailable', 'upstream 500'), '第二次的回答。']);
    const { sync, store } = rememberingUseCases(llm);
    const failed = await sync.execute(aTurn({ sessionId: 's-1', content: '问一' }), never);
    expect(failed.outcome.failure).to.equal('llm_unavailable');
    expect(store.allExchanges()).to.deep.equal([]);
    await sync.execute(aTurn({ sessionId: 's-1', content: '问二' }), never);
    expect(dialogue(llm.prompts[1]!).map((m) => m.content)).to.deep.equal(['问二']);
  });

  it('when the deadline cuts the answer, then the partial answer is not remembered', async () => {
    const llm = new ScriptedLlm(['一半的回答', { wait: 1000 }, '另一半']);
    const { stream, store } = rememberingUseCases(llm, { deadlineMs: 150 });
    const events = await collect(stream, aTurn({ sessionId: 's-1' }), never);
    expect(events.at(-1)).to.deep.include({ kind: 'end' });
    expect((events.at(-1) as { outcome: { failure?: string } }).outcome.failure).to.equal('deadline');
    expect(store.allExchanges()).to.deep.equal([]);
  });

  it('when the turn is not text, then the polite reply is not remembered as an answer', async () => {
    const { sync, store } = rememberingUseCases(new ScriptedLlm(['不会被调用']));
    const answer = await sync.execute(aTurn({ sessionId: 's-1', msgType: 'image' }), never);
    expect(answer.outcome.answered).to.equal(false);
    expect(store.allExchanges()).to.deep.equal([]);
  });

  it('when the history is longer than its character budget, then only the newest exchanges that fit are sent', async () => {
    const llm = new TurnByTurnLlm(['答一。', '答二。', '答三。', '答四。']);
    // Each exchange here is 2 + 3 = 5 characters: a budget of 12 fits the newest two.
    const { sync } = rememberingUseCases(llm, { memory: { historyChars: 12 } });
    for (const q of ['问一', '问二', '问三', '问四']) await sync.execute(aTurn({ sessionId: 's-1', content: q }), never);
    expect(dialogue(llm.prompts[3]!).map((m) => m.content)).to.deep.equal(['问二', '答二。', '问三', '答三。', '问四']);
  });

  it('when a session has more than SESSION_MAX_TURNS exchanges, then only the newest are kept', async () => {
    const llm = new TurnByTurnLlm(['答一。', '答二。', '答三。', '答四。']);
    const { sync } = rememberingUseCases(llm, { memory: { maxTurns: 2 } });
    for (const q of ['问一', '问二', '问三', '问四']) await sync.execute(aTurn({ sessionId: 's-1', content: q }), never);
    expect(dialogue(llm.prompts[3]!).map((m) => m.content)).to.deep.equal(['问二', '答二。', '问三', '答三。', '问四']);
  });

  it('when the store is down, then the turn is still answered, without history', async () => {
    const llm = new TurnByTurnLlm(['答一。']);
    const { sync, store } = rememberingUseCases(llm);
    store.down = true;
    const answer = await sync.execute(aTurn({ sessionId: 's-1', msgId: 'm-1' }), never);
    expect(answer.outcome.answered).to.equal(true);
    expect(answer.text).to.equal('答一。');
    expect(store.calls).to.include.members(['history', 'append', 'claimTurn']);
  });

  it('when the store hangs on the history, then the deadline still ends the turn and the model is not asked', async () => {
    const llm = new TurnByTurnLlm(['答一。']);
    const { sync, store } = rememberingUseCases(llm, { deadlineMs: 100 });
    store.history = () => new Promise(() => undefined);
    const started = Date.now();
    const answer = await sync.execute(aTurn({ sessionId: 's-1' }), never);
    expect(answer.outcome.failure).to.equal('deadline');
    expect(Date.now() - started).to.be.below(1000);
    expect(llm.prompts).to.have.length(0);
  });
});

describe('conversation keys', () => {
  it('when the ids are short, then the key is their JSON as it is, prefixed by what identifies the conversation', () => {
    expect(sessionKey(aTurn({ sessionId: 's-1' }))).to.equal('s:["s-1"]');
    expect(sessionKey(aTurn({ sessionId: undefined, user: 'zhangsan', businessKeys: ['b', 'a'] }))).to.equal('u:["zhangsan","a","b"]');
  });

  it('when the ids are long, then the key is a fixed-length hash that still tells them apart', () => {
    const many = Array.from({ length: 40 }, (_, i) => `space-${i}`);
    const a = digest(['zhangsan', ...many]);
    const b = digest(['lisi', ...many]);
    expect(a).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(b).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(a).to.not.equal(b);
  });

  it('when business keys come in another order, then it is the same conversation', () => {
    const one = sessionKey(aTurn({ sessionId: undefined, user: 'u', businessKeys: ['x', 'y'] }));
    const other = sessionKey(aTurn({ sessionId: undefined, user: 'u', businessKeys: ['y', 'x'] }));
    expect(one).to.equal(other);
  });
});
