import { expect } from 'chai';
import { useFakeOpenAi } from '../support/openai-fixture.js';
import { postSse } from '../support/sse-client.js';
import { A_QUESTION } from '../support/test-service.js';

describe('metrics of upstream model faults', () => {
  const up = useFakeOpenAi({ LLM_MAX_RETRIES: '0' });

  it('when the model upstream fails, then /metrics counts the LLM error by the adapter fault kind', async () => {
    up.fake.reply({ status: 503, headers: { 'content-type': 'application/json' }, body: ['{"error":{"message":"overloaded"}}'] });
    const service = await up.start();
    const reply = await postSse(service.url, A_QUESTION);
    expect(reply.frames.at(-1)?.data.global_output).to.deep.include({ answer_success: 0 });
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).to.include('yishiting_bot_dependency_errors_total{dependency="llm",kind="http_5xx"} 1');
    expect(text).to.not.include('kind="llm_unavailable"');
  });
});
