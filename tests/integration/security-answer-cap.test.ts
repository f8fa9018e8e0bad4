import { expect } from 'chai';
import type { LlmPort } from '../../src/application/ports/llm.port.js';
import { ANSWER_CUT_NOTE } from '../../src/application/turn-policy.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

/** An upstream that never stops: endless tiny deltas, as a runaway model sends them. */
class RunawayLlm implements LlmPort {
  pieces = 0;
  stopped = false;
  aborted = false;
  async *streamAnswer(_prompt: unknown, signal: AbortSignal): AsyncIterable<string> {
    signal.addEventListener('abort', () => (this.aborted = true), { once: true });
    try {
      while (!signal.aborted) {
        this.pieces++;
        yield '字';
        if (this.pieces % 100 === 0) await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.stopped = true;
    }
  }
}

describe('security: an answer is bounded by ANSWER_MAX_CHARS', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when the model never stops on a sync turn, then the reply is cut at the limit at once, with the note, and the model is stopped', async () => {
    const llm = new RunawayLlm();
    service = await startTestService({ ANSWER_MAX_CHARS: '5000', CHAT_DEADLINE_MS: '30000' }, { llm });
    const began = Date.now();
    const reply = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
    expect(Date.now() - began).to.be.below(10_000); // not held until the deadline
    expect(reply.body).to.include({ code: 0 });
    const text = String(reply.body.msg_content);
    expect(text).to.equal('字'.repeat(5000) + ANSWER_CUT_NOTE);
    await new Promise((r) => setTimeout(r, 50));
    expect(llm.stopped, 'the model stream was returned').to.equal(true);
    expect(llm.aborted, 'the model call was aborted').to.equal(true);
  });

  it('when the model never stops on a stream, then the stream ends with one final frame after the cut', async () => {
    service = await startTestService({ ANSWER_MAX_CHARS: '300' }, { llm: new RunawayLlm() });
    const reply = await postSse(service.url, A_QUESTION);
    expect(reply.frames.filter((f) => f.data.finished)).to.have.length(1);
    const text = reply.frames.map((f) => f.data.response).join('');
    expect(text).to.equal('字'.repeat(300) + ANSWER_CUT_NOTE);
  });
});
