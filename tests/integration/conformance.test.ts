import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { analyseStream, pieceProblems } from '../../src/cli/conformance/frame-format.js';
import { startTestService, type TestService } from '../support/test-service.js';

/** Runs `src/cli/conformance.ts` as its own process against `url`. */
function runConformance(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/conformance.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const PENDING = { urls: '', context: '', answer_success: 0, docs: [] };
const DOC = { doc_id: 'd1', title: '指南', url: 'https://example.invalid/d1' };
type Fault = 'two-finals' | 'wrong-content-type';

/** A hand-written service that speaks the protocol except for one deliberate fault. */
function brokenService(fault: Fault): Server {
  const json = (res: ServerResponse, status: number, body: object, traceId: string) =>
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-trace-id': traceId }).end(JSON.stringify(body));
  return createServer((req, res) => {
    const traceId = randomUUID();
    const refuse = (status: number, errMsg: string) => json(res, status, { code: status * 100, err_msg: errMsg, third_party_trace_id: traceId }, traceId);
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (req.url === '/health') return json(res, 200, { status: 'ok' }, traceId);
      if (req.url !== '/chat' && req.url !== '/chat/sync') return refuse(404, `no route ${req.url}`);
      if (req.method !== 'POST') return refuse(405, `${req.method} not allowed`);
      if (!req.headers['content-type']?.startsWith('application/json')) return refuse(415, 'Content-Type must be application/json');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return refuse(400, 'body: malformed JSON');
      }
      const missing = ['user', 'msg_type', 'content'].find((f) => typeof body[f] !== 'string');
      if (missing) return refuse(400, `${missing}: is required`);
      if (req.url === '/chat/sync') {
        return json(res, 200, { code: 0, err_msg: '', is_async_response: false, is_recall_success: 1, recall_docs: [DOC],
          msg_type: 'text', msg_content: '答案', third_party_trace_id: traceId }, traceId);
      }
      const type = fault === 'wrong-content-type' ? 'text/plain; charset=utf-8' : 'text/event-stream; charset=utf-8';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', 'x-accel-buffering': 'no', 'x-trace-id': traceId });
      const frame = (response: string, finished: boolean, out: object) =>
        `event:delta\ndata:${JSON.stringify({ response, finished, global_output: out })}\n\n`;
      res.write(frame('答', false, PENDING));
      if (fault === 'two-finals') res.write(frame('', true, { answer_success: 1, docs: [DOC] }));
      res.write(frame('案', false, PENDING));
      res.end(frame('', true, { answer_success: 1, docs: [DOC] }));
    });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const line = (stdout: string, name: string) => stdout.split('\n').find((l) => l.includes(name)) ?? `(no line for ${name})`;

describe('conformance checker', function () {
  this.timeout(40_000);
  let service: TestService | undefined;
  let fake: Server | undefined;
  afterEach(async () => {
    await service?.close();
    fake?.close();
    service = fake = undefined;
  });

  it('when run against the real app, then every check passes and it exits 0', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '1' });
    const run = await runConformance([service.url]);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(run.stdout).to.not.include('FAIL');
    expect(run.stdout).to.match(/(\d+) checks: \1 passed, 0 failed — CONFORMS/);
    expect(line(run.stdout, 'exactly one finished:true')).to.match(/^PASS/);
    expect(line(run.stdout, 'hang-up')).to.match(/^PASS/);
  });

  it('when the app requires AUTH_TOKEN and --token is given, then calls pass and the 401 without it is checked', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '1', AUTH_TOKEN: 'conf-secret' });
    const run = await runConformance(['--token', 'conf-secret', service.url]);
    expect(run.code, run.stdout + run.stderr).to.equal(0);
    expect(line(run.stdout, 'auth: a call without the token → 401')).to.match(/^PASS/);
  });

  it('when a server sends two final frames, then that check fails, the others pass, and it exits 1', async () => {
    fake = brokenService('two-finals');
    const run = await runConformance([await listen(fake)]);
    expect(run.code).to.equal(1);
    expect(line(run.stdout, 'exactly one finished:true')).to.match(/^FAIL/);
    expect(run.stdout).to.include('2 frames have finished:true (frames 2, 4), want exactly 1');
    expect(line(run.stdout, 'sync: reply fields')).to.match(/^PASS/);
    expect(line(run.stdout, 'errors: GET /chat → 405')).to.match(/^PASS/);
    // The early final frame also breaks the rule for the frames before the last.
    expect(line(run.stdout, 'frames before the last carry')).to.match(/^FAIL/);
    expect(run.stdout).to.include('frame 2 global_output is {"answer_success":1,"docs":[{"doc_id":"d1"');
    expect(run.stdout).to.match(/2 failed — DOES NOT CONFORM/);
  });

  it('when a server streams with the wrong content type, then the header check fails and it exits 1', async () => {
    fake = brokenService('wrong-content-type');
    const run = await runConformance([await listen(fake)]);
    expect(run.code).to.equal(1);
    expect(line(run.stdout, 'stream: status 200 and SSE headers')).to.match(/^FAIL/);
    expect(run.stdout).to.include('Content-Type is "text/plain; charset=utf-8", want text/event-stream');
    expect(line(run.stdout, 'stream: exactly one finished:true')).to.match(/^PASS/);
  });

  it('when nothing listens at the URL, then it says so and exits 3', async () => {
    fake = createServer();
    const url = await listen(fake);
    await new Promise((r) => fake!.close(r));
    const run = await runConformance([url]);
    expect(run.code).to.equal(3);
    expect(run.stderr).to.include('ECONNREFUSED').and.include('is the service running?');
  });
});

describe('conformance frame rules', () => {
  const frame = (response: string, finished = false) =>
    `event:delta\ndata:${JSON.stringify({ response, finished, global_output: PENDING })}\n\n`;

  it('when frames use CRLF, a space after the colon, or a missing blank line, then each is reported', () => {
    expect(analyseStream(frame('a').replaceAll('\n', '\r\n')).formatProblems.join()).to.include('\\r');
    expect(analyseStream('event: delta\ndata:{}\n\n').formatProblems.join()).to.include('block 1 is not');
    expect(analyseStream(frame('a').trimEnd()).formatProblems.join()).to.include('does not end with a blank line');
    expect(analyseStream(`: keep-alive\n\n${frame('a')}`)).to.deep.include({ formatProblems: [], comments: 1 });
  });

  it('when a piece splits an emoji, a ZWJ sequence or a surrogate pair, then the cut is reported; whole graphemes pass', () => {
    expect(pieceProblems(['在', '后台', '😀', '👩‍💻'])).to.deep.equal([]);
    expect(pieceProblems(['👩', '‍💻'])[0]).to.include('splits a character');
    expect(pieceProblems(['a\ud83d', '\ude00']).join()).to.include('lone UTF-16 surrogate');
  });
});
