import { expect } from 'chai';
import { CallerGone } from '../../src/domain/turn-failure.js';
import { DOC_A } from '../fakes/fake-knowledge-base.fake.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { aTurn, useCases } from '../support/turns.js';

describe('SyncChatUseCase', () => {
  it('when the model streams pieces, then they are folded into one answer with the recall', async () => {
    const { sync } = useCases(new ScriptedLlm(['在后台', '填写', '回调地址😀']));
    const answer = await sync.execute(aTurn(), new AbortController().signal);
    expect(answer.text).to.equal('在后台填写回调地址😀');
    expect(answer.outcome).to.deep.include({ answered: true });
    expect(answer.outcome.recall.docs).to.deep.equal([DOC_A]);
  });

  it('when the deadline cuts the answer, then the outcome is a deadline failure', async () => {
    const { sync } = useCases(new ScriptedLlm(['半', { wait: 5000 }]), { policy: { deadlineMs: 100 } });
    const answer = await sync.execute(aTurn(), new AbortController().signal);
    expect(answer.outcome.failure).to.equal('deadline');
    expect(answer.text).to.equal('半');
  });

  it('when the model fails, then the outcome is llm_unavailable', async () => {
    const { sync } = useCases(new ScriptedLlm([{ fail: new Error('503') }]));
    const answer = await sync.execute(aTurn(), new AbortController().signal);
    expect(answer.outcome).to.include({ answered: false, failure: 'llm_unavailable' });
  });

  it('when the caller hangs up, then it rejects with CallerGone and the model is aborted', async () => {
    const llm = new ScriptedLlm([{ wait: 5000 }, 'x']);
    const { sync } = useCases(llm);
    const hangUp = new AbortController();
    setTimeout(() => hangUp.abort(), 30);
    let error: unknown;
    await sync.execute(aTurn(), hangUp.signal).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(CallerGone);
    expect(llm.aborted).to.equal(true);
  });
});
