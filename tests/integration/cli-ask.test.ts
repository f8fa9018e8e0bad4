import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { startTestService, type TestService } from '../support/test-service.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout as it arrived, chunk by chunk. */
  chunks: string[];
}

/** Runs `src/cli/ask.ts` as its own process, as `npm run ask` does (without npm's start-up). */
function runAsk(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ask.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { code: null, stdout: '', stderr: '', chunks: [] };
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      run.chunks.push(c);
      run.stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (run.stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...run, code }));
  });
}

/** A port nothing listens on: bound, noted, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('ask (command-line client)', function () {
  this.timeout(30_000);
  let service: TestService | undefined;
  let stub: Server | undefined;
  afterEach(async () => {
    await service?.close();
    stub?.close();
    service = stub = undefined;
  });

  it('when asked against the running service, then the answer streams out piece by piece, then docs, trace id and timings', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '60', MOCK_LLM_ANSWER: '在后台的机器人设置里填写回调地址。' });
    const run = await runAsk(['--url', service.url, '--session', 's-cli', '怎么配置回调地址？']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^在后台的机器人设置里填写回调地址。\n/);
    // Rendered as it arrives: the answer reached stdout in several writes, not in one at the end.
    const answerChunks = run.chunks.filter((c) => !c.includes('documents:') && c.trim() !== '');
    expect(answerChunks.length).to.be.greaterThan(3);
    expect(run.stdout).to.include('[1] 易事厅使用指南 — https://example.invalid/p/4010230492');
    const traceId = /trace id: (\S+)/.exec(run.stdout)?.[1];
    expect(service.logLines().some((l) => l.traceId === traceId && l.message === 'call')).to.equal(true);
    expect(run.stdout).to.match(/first frame: \d+ ms · total: \d+ ms · answer_success: 1/);
  });

  it('when --sync is given, then the JSON endpoint answers and the recalled docs are listed with scores', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0', MOCK_LLM_ANSWER: '同步回答：{question}' });
    const run = await runAsk(['--url', service.url, '--sync', '--user', 'lisi', '连不上VPN']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^同步回答：连不上VPN\n/);
    expect(run.stdout).to.include('[2] 第三方机器人接入说明 — https://example.invalid/p/4010230493 (score 0.762)');
    expect(run.stdout).to.match(/trace id: [0-9a-f-]{36}\ntotal: \d+ ms · code: 0/);
    expect(service.logLines().some((l) => l.route === '/chat/sync' && l.status === 200)).to.equal(true);
  });

  it('when the service is down, then it says it cannot reach it and exits 3', async () => {
    const port = await closedPort();
    const run = await runAsk(['--url', `http://127.0.0.1:${port}`, '你好']);
    expect(run.code).to.equal(3);
    expect(run.stderr).to.include(`cannot reach http://127.0.0.1:${port}/chat (ECONNREFUSED) — is the service running?`);
  });

  it('when the service refuses the question, then err_msg and status are printed and it exits 1', async () => {
    service = await startTestService({ MAX_CONTENT_CHARS: '5' });
    const run = await runAsk(['--url', service.url, '这个问题比五个字长得多']);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/the service replied 400 Bad Request: content: .+/);
  });

  it('when the bot cannot answer, then the apology is shown and it exits 1 naming answer_success 0', async () => {
    service = await startTestService({}, { llm: new ScriptedLlm(['半句', { fail: new Error('upstream 500') }]) });
    const run = await runAsk(['--url', service.url, '连不上VPN']);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.include('半句抱歉');
    expect(run.stderr).to.include('the bot could not answer (answer_success 0)');
  });

  it('when --token, --session and --business-key are given, then they are sent as Bearer auth and body fields', async () => {
    let seen: { headers: IncomingHttpHeaders; body: string } | undefined;
    stub = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { headers: req.headers, body };
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"code":40100,"err_msg":"wrong token","third_party_trace_id":"t"}');
      });
    });
    await new Promise<void>((r) => stub!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    const run = await runAsk(['--url', url, '--sync', '--token', 's3cret', '--session', 's-9', '--business-key', 'hr', 'q']);
    expect(seen?.headers.authorization).to.equal('Bearer s3cret');
    expect(JSON.parse(seen!.body)).to.deep.include({ session_id: 's-9', business_keys: ['hr'], content: 'q', msg_type: 'text' });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('the service replied 401 Unauthorized: wrong token');
  });

  it('when no question is given, then it prints the usage and exits 2', async () => {
    const run = await runAsk(['--url', 'http://127.0.0.1:1']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('no question given').and.include('usage: ask');
  });
});
