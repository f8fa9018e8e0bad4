import { expect } from 'chai';
import { createServer } from 'node:net';
import { recordedBody, sseOf, type FakeReply } from '../support/fake-openai-server.js';
import { useFakeOpenAi } from '../support/openai-fixture.js';
import { answerOf, postSse, sendJson, type SseReply } from '../support/sse-client.js';
import { A_QUESTION, startTestService } from '../support/test-service.js';


/** The protocol's failure ending: exactly one final frame, last, with an apology and answer_success 0. */
function expectFailedStream(reply: SseReply): void {
  expect(reply.status).to.equal(200);
  expect(reply.frames.filter((f) => f.data.finished)).to.have.length(1);
  const last = reply.frames.at(-1)!.data;
  expect(last.finished).to.equal(true);
  expect(last.response).to.be.a('string').and.not.equal('');
  expect(last.global_output).to.deep.include({ answer_success: 0 });
}

/** A URL where nothing listens: bind a port, then free it. */
async function refusedUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

const A_STREAM = sseOf(['您好，', '请在后台', '配置回调地址。']);

describe('LLM_PROVIDER=openai when the upstream misbehaves', () => {
  const up = useFakeOpenAi({ LLM_MAX_RETRIES: '0' });
  const start = (env: Record<string, string> = {}, ...replies: FakeReply[]) => {
    up.fake.reply(...replies);
    return up.start(env);
  };
  const faultsLogged = () => up.service!.logLines().filter((l) => l.llm_error !== undefined);

  it('when the upstream answers 503 once, then the request is retried and the answer arrives once', async () => {
    const svc = await start({ LLM_MAX_RETRIES: '2' }, { status: 503, body: ['busy'] }, { body: A_STREAM });
    const reply = await postSse(svc.url, A_QUESTION);
    expect(answerOf(reply)).to.equal('您好，请在后台配置回调地址。');
    expect(up.fake.requests).to.have.length(2);
    expect(faultsLogged().map((l) => [l.llm_error, l.status])).to.deep.equal([['http_5xx', 503]]);
  });

  it('when the upstream answers 429 with Retry-After: 1, then the retry waits that second', async () => {
    const svc = await start({ LLM_MAX_RETRIES: '1' }, { status: 429, headers: { 'retry-after': '1' }, body: ['{}'] }, { body: A_STREAM });
    const reply = await postSse(svc.url, A_QUESTION);
    expect(answerOf(reply)).to.equal('您好，请在后台配置回调地址。');
    expect(up.fake.requests[1]!.at - up.fake.requests[0]!.at).to.be.at.least(950);
    expect(faultsLogged()[0]).to.deep.include({ llm_error: 'rate_limited', retry_in_ms: 1000 });
  });

  it('when the upstream keeps answering 500, then it is tried 1 + LLM_MAX_RETRIES times and the turn fails', async () => {
    const svc = await start({ LLM_MAX_RETRIES: '1' }, { status: 500, headers: { 'retry-after-ms': '10' }, body: ['{"error":{"message":"boom"}}'] });
    expectFailedStream(await postSse(svc.url, A_QUESTION));
    expect(up.fake.requests).to.have.length(2);
    expect(faultsLogged().map((l) => l.llm_error)).to.deep.equal(['http_5xx', 'http_5xx']);
  });

  it('when nothing listens at LLM_BASE_URL, then the turn fails as connect, on /chat and /chat/sync', async () => {
    const url = await refusedUrl();
    up.service = await startTestService({ LLM_PROVIDER: 'openai', LLM_BASE_URL: url, LLM_MODEL: 'm', LLM_MAX_RETRIES: '1' });
    expectFailedStream(await postSse(up.service.url, A_QUESTION));
    const sync = await sendJson(up.service.url, '/chat/sync', { body: A_QUESTION });
    expect(sync.body.code).to.not.equal(0);
    expect(sync.body.err_msg).to.be.a('string').and.not.equal('');
    expect(faultsLogged().map((l) => l.llm_error)).to.deep.equal(['connect', 'connect', 'connect', 'connect']);
  });

  it('when the first token is slower than LLM_FIRST_TOKEN_TIMEOUT_MS, then the turn fails and the upstream sees its socket closed', async () => {
    const svc = await start({ LLM_FIRST_TOKEN_TIMEOUT_MS: '300' }, { headersDelayMs: 5000, body: A_STREAM });
    expectFailedStream(await postSse(svc.url, A_QUESTION));
    expect(faultsLogged().map((l) => l.llm_error)).to.deep.equal(['timeout_first_token']);
    await up.fake.closedEarly(0, 1000);
  });

  it('when role chunks keep coming but no token does, then the first-token timeout still fires', async () => {
    const role = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant' } }] })}\n\n`;
    const body = Array.from({ length: 40 }, () => [role, { wait: 50 }]).flat();
    const svc = await start({ LLM_FIRST_TOKEN_TIMEOUT_MS: '300', LLM_IDLE_TIMEOUT_MS: '1000' }, { body });
    expectFailedStream(await postSse(svc.url, A_QUESTION));
    expect(faultsLogged().map((l) => l.llm_error)).to.deep.equal(['timeout_first_token']);
  });

  it('when the headers come and then silence, then the idle timeout ends the turn and closes the socket', async () => {
    const svc = await start({ LLM_IDLE_TIMEOUT_MS: '300' }, { body: [{ hang: true }] });
    expectFailedStream(await postSse(svc.url, A_QUESTION));
    expect(faultsLogged().map((l) => l.llm_error)).to.deep.equal(['idle_timeout']);
    await up.fake.closedEarly(0, 1000);
  });

  it('when only ": keep-alive" comments come for longer than LLM_IDLE_TIMEOUT_MS (each gap shorter), then the answer still arrives', async () => {
    // 8 gaps of 100 ms: 800 ms of comments against a 300 ms idle timeout.
    const comments = Array.from({ length: 8 }, () => [': keep-alive\n\n', { wait: 100 }]).flat();
    const svc = await start({ LLM_IDLE_TIMEOUT_MS: '300', LLM_FIRST_TOKEN_TIMEOUT_MS: '5000' }, { body: [...comments, ...A_STREAM] });
    const reply = await postSse(svc.url, A_QUESTION);
    expect(answerOf(reply)).to.equal('您好，请在后台配置回调地址。');
    expect(reply.frames.at(-1)!.data.global_output).to.deep.include({ answer_success: 1 });
    expect(reply.endedAt - reply.startedAt).to.be.at.least(700);
    expect(faultsLogged()).to.deep.equal([]);
  });

  it('when the connection resets mid-answer, then the text so far stays, the turn fails and nothing is retried', async () => {
    const svc = await start({ LLM_MAX_RETRIES: '3' }, { body: [A_STREAM[0]!, { wait: 30 }, { destroy: true }] });
    const reply = await postSse(svc.url, A_QUESTION);
    expectFailedStream(reply);
    expect(answerOf(reply)).to.equal('您好，');
    expect(up.fake.requests).to.have.length(1);
    expect(faultsLogged().map((l) => l.llm_error)).to.deep.equal(['reset']);
  });

  it('when an {"error":…} payload arrives mid-stream, then the turn fails as stream_error', async () => {
    const svc = await start({}, { body: [A_STREAM[0]!, 'data: {"error":{"message":"overloaded","code":"server_busy"}}\n\n'] });
    const reply = await postSse(svc.url, A_QUESTION);
    expectFailedStream(reply);
    expect(answerOf(reply)).to.equal('您好，');
    expect(faultsLogged()[0]).to.deep.include({ llm_error: 'stream_error' });
    expect(String(faultsLogged()[0]?.message)).to.include('server_busy');
  });

  it('when a chunk is not JSON, then the turn fails as malformed', async () => {
    const svc = await start({}, { body: [A_STREAM[0]!, 'data: {"choices":[{"delta":{"content":"x"\n\n', A_STREAM[1]!] });
    const reply = await postSse(svc.url, A_QUESTION);
    expectFailedStream(reply);
    expect(answerOf(reply)).to.equal('您好，');
    expect(faultsLogged().map((l) => l.llm_error)).to.deep.equal(['malformed']);
  });

  it('when the stream ends without [DONE], then the text so far stays and the turn fails as incomplete', async () => {
    const svc = await start({ LLM_MAX_RETRIES: '2' }, { body: sseOf(['您好，', '请在后台'], false) });
    const reply = await postSse(svc.url, A_QUESTION);
    expectFailedStream(reply);
    expect(answerOf(reply)).to.equal('您好，请在后台');
    expect(up.fake.requests).to.have.length(1);
    expect(faultsLogged().map((l) => l.llm_error)).to.deep.equal(['incomplete']);
  });

  it('when an error body is not JSON (a proxy page), then the turn fails as http_5xx with a short log excerpt', async () => {
    const page = `<html><body><h1>502 Bad Gateway</h1>${'x'.repeat(1000)}</body></html>`;
    const svc = await start({}, { status: 502, headers: { 'content-type': 'text/html' }, body: [page] });
    expectFailedStream(await postSse(svc.url, A_QUESTION));
    const [fault] = faultsLogged();
    expect(fault).to.deep.include({ llm_error: 'http_5xx', status: 502 });
    expect(String(fault?.message)).to.include('502 Bad Gateway');
    expect(String(fault?.message).length).to.be.below(400);
  });

  it('when the request is refused with the recorded OpenAI 400 body, then it is not retried and is logged as http_4xx', async () => {
    const body = recordedBody('openai-http400-error.parsed.json');
    const svc = await start({ LLM_MAX_RETRIES: '2' }, { status: 400, headers: { 'content-type': 'application/json' }, body: [body] });
    expectFailedStream(await postSse(svc.url, A_QUESTION));
    expect(up.fake.requests).to.have.length(1);
    expect(String(faultsLogged()[0]?.message)).to.include('Web search options not supported');
  });

  it('when the key is wrong (401), then one error line names the provider host, the caller gets a generic reply, the key is never logged', async () => {
    const body = '{"error":{"message":"Incorrect API key provided: sk-test. You can find your API key at …","code":"invalid_api_key"}}';
    const svc = await start({ LLM_MAX_RETRIES: '2' }, { status: 401, headers: { 'content-type': 'application/json' }, body: [body] });
    const reply = await sendJson(svc.url, '/chat/sync', { body: A_QUESTION });
    expect(reply.body.code).to.not.equal(0);
    expect(JSON.stringify(reply.body)).to.not.include('sk-test').and.not.include('API key');
    expect(up.fake.requests).to.have.length(1);
    const [fault] = faultsLogged();
    expect(fault).to.deep.include({ level: 'error', llm_error: 'auth', status: 401, provider: new URL(up.fake.url).host });
    expect(String(fault?.message)).to.include(new URL(up.fake.url).host);
    expect(JSON.stringify(svc.logLines())).to.not.include('sk-test');
  });

  it('when the caller hangs up mid-answer, then the upstream sees its socket closed within a second', async () => {
    const svc = await start({}, { body: [A_STREAM[0]!, { hang: true }] });
    const reply = await postSse(svc.url, A_QUESTION, { hangUpAfterFrames: 1 });
    expect(reply.frames[0]?.data.response).to.equal('您好，');
    const closedAt = await up.fake.closedEarly(0, 1000);
    expect(closedAt - reply.endedAt).to.be.below(1000);
  });

  it('when the deadline passes while the upstream is slow, then the turn ends before it and the upstream socket is closed', async () => {
    const svc = await start({ CHAT_DEADLINE_MS: '400' }, { body: [A_STREAM[0]!, { wait: 10_000 }, A_STREAM[1]!] });
    const reply = await postSse(svc.url, A_QUESTION);
    expectFailedStream(reply);
    expect(answerOf(reply)).to.equal('您好，');
    expect(reply.endedAt - reply.startedAt).to.be.below(5000);
    const closedAt = await up.fake.closedEarly(0, 1000);
    expect(closedAt - reply.endedAt).to.be.below(1000);
  });

  it('when <think> blocks arrive split across chunks, then they are dropped from the answer', async () => {
    const svc = await start({}, { body: sseOf(['<th', 'ink>先想', '一想</thi', 'nk>\n\n答', '案']) });
    expect(answerOf(await postSse(svc.url, A_QUESTION))).to.equal('答案');
  });
});
