import { expect } from 'chai';
import { DEFAULT_SYSTEM_PROMPT } from '../../src/application/prompt-builder.js';
import { DOC_A, FakeKnowledgeBase } from '../fakes/fake-knowledge-base.fake.js';
import { rechunk, recordedBody, recordedDeltas, sseOf } from '../support/fake-openai-server.js';
import { useFakeOpenAi } from '../support/openai-fixture.js';
import { answerOf, postSse, sendJson, type SseReply } from '../support/sse-client.js';
import { A_QUESTION, startTestService } from '../support/test-service.js';

/** Recorded streams whose answer has text, and what each exercises. */
const RECORDINGS = [
  'openai-gpt-4o-mini-text-usage.sse', // usage chunk with choices:[], obfuscation
  'deepseek-chat-text-emoji.sse', // emoji, usage on the finish chunk
  'deepseek-reasoner-reasoning-content.sse', // reasoning_content, then content
  'zai-glm-4.7-reasoning-content.sse', // reasoning_content, role on every delta
  'hunyuan-lite-text.sse', // note, empty reasoning_content on every chunk
  'hunyuan-lite-tool-call-zh.sse', // tool-call deltas, then Chinese content with \n\t
  'dashscope-qwen3-max-text.chunks.jsonl', // DashScope key order, usage:null, choices:[] usage chunk
];

const last = (reply: SseReply) => reply.frames.at(-1)!.data;

describe('LLM_PROVIDER=openai replaying recorded provider streams', () => {
  const up = useFakeOpenAi({}, { knowledgeBase: new FakeKnowledgeBase() });
  const start = up.start;

  for (const file of RECORDINGS) {
    it(`when the upstream replays ${file}, then exactly its content deltas reach the caller and the turn succeeds`, async () => {
      const body = recordedBody(file);
      const expected = recordedDeltas(body).content;
      expect(expected).to.not.equal('');
      up.fake.reply({ body: [body] });
      const reply = await postSse((await start()).url, A_QUESTION);
      expect(answerOf(reply)).to.equal(expected);
      expect(last(reply)).to.deep.include({ finished: true, response: '' });
      expect(last(reply).global_output).to.deep.include({ answer_success: 1 });
    });

    it(`when ${file} arrives cut at random bytes (splitting characters and lines), then the text is still exact`, async () => {
      const body = recordedBody(file);
      const expected = recordedDeltas(body).content;
      for (const seed of [1, 2]) {
        up.fake.reply({ body: rechunk(body, seed * 7919 + file.length) });
        const reply = await postSse((up.service ?? (await start())).url, A_QUESTION);
        expect(answerOf(reply), `seed ${seed}`).to.equal(expected);
        expect(last(reply).global_output).to.deep.include({ answer_success: 1 });
      }
    });
  }

  it('when asked, then the upstream request carries the model, the bearer key, stream:true and the prompt', async () => {
    up.fake.reply({ body: [recordedBody('deepseek-chat-text-emoji.sse')] });
    await postSse((await start({ LLM_MODEL: 'deepseek-chat', LLM_TEMPERATURE: '0.1', LLM_MAX_TOKENS: '512' })).url, A_QUESTION);
    const [request] = up.fake.requests;
    expect(request?.path).to.equal('/v1/chat/completions');
    expect(request?.headers.authorization).to.equal('Bearer sk-test');
    expect(request?.body).to.deep.include({ model: 'deepseek-chat', stream: true, temperature: 0.1, max_tokens: 512 });
    const messages = request?.body.messages as { role: string; content: string }[];
    expect(messages[0]?.role).to.equal('system');
    expect(messages[0]?.content).to.include(DEFAULT_SYSTEM_PROMPT).and.include(DOC_A.title).and.include(DOC_A.content);
    expect(messages.at(-1)).to.deep.equal({ role: 'user', content: A_QUESTION.content });
  });

  it('when no LLM_API_KEY is set (a local vLLM/Ollama), then no Authorization header is sent', async () => {
    up.fake.reply({ body: [recordedBody('deepseek-chat-text-emoji.sse')] });
    const service = (up.service = await startTestService({ LLM_PROVIDER: 'openai', LLM_BASE_URL: up.fake.url, LLM_MODEL: 'm' }));
    const reply = await postSse(service.url, A_QUESTION);
    expect(last(reply).global_output).to.deep.include({ answer_success: 1 });
    expect(up.fake.requests[0]?.headers.authorization).to.equal(undefined);
  });

  it('when LLM_SYSTEM_PROMPT is set, then it is the system prompt sent upstream', async () => {
    up.fake.reply({ body: [recordedBody('hunyuan-lite-text.sse')] });
    await postSse((await start({ LLM_SYSTEM_PROMPT: '你是测试助手。' })).url, A_QUESTION);
    const messages = up.fake.requests[0]?.body.messages as { role: string; content: string }[];
    expect(messages[0]?.content.startsWith('你是测试助手。')).to.equal(true);
  });

  it('when asked on /chat/sync, then the recorded content is folded into msg_content', async () => {
    const body = recordedBody('hunyuan-lite-tool-call-zh.sse');
    up.fake.reply({ body: [body] });
    const reply = await sendJson((await start()).url, '/chat/sync', { body: A_QUESTION });
    expect(reply.body).to.deep.include({ code: 0, err_msg: '', msg_content: recordedDeltas(body).content });
  });

  it('when LLM_INCLUDE_REASONING=true, then the reasoning comes first inside <think>…</think>, then the answer', async () => {
    const body = recordedBody('deepseek-reasoner-reasoning-content.sse');
    const { content, reasoning } = recordedDeltas(body);
    up.fake.reply({ body: rechunk(body, 42) });
    const reply = await postSse((await start({ LLM_INCLUDE_REASONING: 'true' })).url, A_QUESTION);
    expect(answerOf(reply)).to.equal(`<think>${reasoning}</think>\n\n${content}`);
  });

  it('when LLM_MAX_TOKENS_PARAM=max_completion_tokens, then the limit goes in that field and max_tokens is not sent', async () => {
    up.fake.reply({ body: sseOf(['好的']) });
    await postSse((await start({ LLM_MAX_TOKENS: '256', LLM_MAX_TOKENS_PARAM: 'max_completion_tokens' })).url, A_QUESTION);
    const [request] = up.fake.requests;
    expect(request?.body).to.include({ max_completion_tokens: 256 });
    expect(request?.body).to.not.have.property('max_tokens');
  });

  it('when LLM_STARTS_IN_THINK=true and the model opens with reasoning closed by a lone </think>, then only the answer reaches the caller', async () => {
    up.fake.reply({ body: sseOf(['嗯，用户在问', '回调地址。\n</th', 'ink>\n\n请在后台', '配置回调地址。']) });
    const reply = await postSse((await start({ LLM_STARTS_IN_THINK: 'true' })).url, A_QUESTION);
    expect(answerOf(reply)).to.equal('请在后台配置回调地址。');
    expect(last(reply).global_output).to.deep.include({ answer_success: 1 });
  });

  it('when LLM_STARTS_IN_THINK=true and reasoning is shown, then the template-opened block gets its <think> back', async () => {
    up.fake.reply({ body: sseOf(['想一想', '</think>\n\n答案']) });
    const reply = await postSse((await start({ LLM_STARTS_IN_THINK: 'true', LLM_INCLUDE_REASONING: 'true' })).url, A_QUESTION);
    expect(answerOf(reply)).to.equal('<think>想一想</think>\n\n答案');
  });

  it('when the stream is a tool call with no text, then the turn ends without an answer (answer_success 0)', async () => {
    up.fake.reply({ body: [recordedBody('openai-gpt-4o-mini-tool-call-usage.sse')] });
    const reply = await postSse((await start()).url, A_QUESTION);
    expect(reply.frames).to.have.length(1);
    expect(last(reply)).to.deep.include({ finished: true });
    expect(last(reply).global_output).to.deep.include({ answer_success: 0 });
  });

  it('when the Groq stream sends event: error mid-stream, then the turn fails once, logged as stream_error, not retried', async () => {
    const body = recordedBody('groq-gpt-oss-120b-midstream-error.sse');
    const { reasoning } = recordedDeltas(body);
    up.fake.reply({ body: rechunk(body, 7) });
    const svc = await start({ LLM_INCLUDE_REASONING: 'true' });
    const reply = await postSse(svc.url, A_QUESTION);
    expect(answerOf(reply)).to.equal(`<think>${reasoning}`);
    expect(last(reply)).to.deep.include({ finished: true });
    expect(last(reply).response).to.not.equal('');
    expect(last(reply).global_output).to.deep.include({ answer_success: 0 });
    expect(up.fake.requests).to.have.length(1);
    const faults = svc.logLines().filter((l) => l.llm_error !== undefined);
    expect(faults.map((l) => l.llm_error)).to.deep.equal(['stream_error']);
    expect(String(faults[0]?.message)).to.include('tool_use_failed');
  });
});
