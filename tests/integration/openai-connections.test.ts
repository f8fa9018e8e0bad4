import { expect } from 'chai';
import { sseOf } from '../support/fake-openai-server.js';
import { useFakeOpenAi } from '../support/openai-fixture.js';
import { answerOf, postSse, type SseReply } from '../support/sse-client.js';
import { A_QUESTION } from '../support/test-service.js';

const succeeded = (reply: SseReply) => reply.frames.at(-1)?.data.global_output?.answer_success === 1;

const A_STREAM = sseOf(['您好，', '请在后台', '配置回调地址。']);

describe('LLM_PROVIDER=openai connections to the upstream', () => {
  const up = useFakeOpenAi();
  const start = up.start;

  it('when turns follow one another, then they share one keep-alive connection', async () => {
    up.fake.reply({ body: A_STREAM });
    const svc = await start();
    for (let turn = 0; turn < 3; turn++) expect(answerOf(await postSse(svc.url, A_QUESTION))).to.equal('您好，请在后台配置回调地址。');
    // Turns 2 and 3 are in the same conversation, but the question stands alone: no rewrite call before the answer.
    expect(up.fake.requests.map((r) => r.connection)).to.deep.equal([0, 0, 0]);
  });

  it('when the caller hangs up mid-answer, then that connection is closed and the next turn gets a fresh one', async () => {
    up.fake.reply({ body: [A_STREAM[0]!, { hang: true }] }, { body: A_STREAM });
    const svc = await start();
    await postSse(svc.url, A_QUESTION, { hangUpAfterFrames: 1 });
    await up.fake.closedEarly(0, 1000);
    const next = await postSse(svc.url, A_QUESTION);
    expect(succeeded(next)).to.equal(true);
    expect(up.fake.requests.map((r) => r.connection)).to.deep.equal([0, 1]);
  });

  it('when the upstream holds the body open after [DONE], then the turn ends at [DONE] and the socket is closed after the idle timeout', async () => {
    up.fake.reply({ body: [...A_STREAM, { hang: true }] });
    const svc = await start({ LLM_IDLE_TIMEOUT_MS: '300' });
    const reply = await postSse(svc.url, A_QUESTION);
    expect(succeeded(reply)).to.equal(true);
    expect(answerOf(reply)).to.equal('您好，请在后台配置回调地址。');
    const closedAt = await up.fake.closedEarly(0, 2000);
    expect(closedAt - reply.endedAt).to.be.within(100, 1500);
  });
});
