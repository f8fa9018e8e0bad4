import { expect } from 'chai';
import { postSse } from '../support/sse-client.js';
import { FakeOpenAiServer } from '../support/fake-openai-server.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

describe('metrics of upstream model faults', () => {
  let fake: FakeOpenAiServer | undefined;
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    await fake?.close();
    service = fake = undefined;
  });

  it('when the model upstream fails, then /metrics counts the LLM error by the adapter fault kind', async () => {
    fake = await FakeOpenAiServer.start();
    fake.reply({ status: 503, headers: { 'content-type': 'application/json' }, body: ['{"error":{"message":"overloaded"}}'] });
    service = await startTestService({
      LLM_PROVIDER: 'openai',
      LLM_BASE_URL: fake.url,
      LLM_MODEL: 'm',
      LLM_MAX_RETRIES: '0',
    });
    const reply = await postSse(service.url, A_QUESTION);
    expect(reply.frames.at(-1)?.data.global_output).to.deep.include({ answer_success: 0 });
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).to.include('yishiting_bot_dependency_errors_total{dependency="llm",kind="http_5xx"} 1');
    expect(text).to.not.include('kind="llm_unavailable"');
  });
});
