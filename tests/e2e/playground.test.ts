import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { startTestService, type TestService } from '../support/test-service.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync'];
const OUTPUT = join(process.cwd(), 'test-output');
const QUESTION = '怎么配置回调地址？';

describe('playground page in a real browser (Chromium)', function () {
  this.timeout(60_000);
  let profile: string;
  let browser: BrowserContext;
  let service: TestService | undefined;
  let page: Page;
  let consoleErrors: string[];

  before(async () => {
    profile = mkdtempSync(join(tmpdir(), 'playground-chromium-'));
    // No skip when Chromium is missing: scripts/ensure.d/chromium.sh installs it before `npm test`.
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });
  beforeEach(async () => {
    page = await browser.newPage();
    page.setViewportSize({ width: 1000, height: 760 });
    consoleErrors = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  });
  afterEach(async () => {
    await page.close();
    // Chromium keeps (and pre-opens) sockets that server.close() would wait out.
    service?.server.closeAllConnections();
    await service?.close();
    service = undefined;
  });

  async function ask(question: string, path = '/playground'): Promise<void> {
    await page.goto(`${service!.url}${path}`);
    await page.fill('#question', question);
    await page.click('#send');
  }

  it('when a question is asked, then the answer streams in, the cited documents appear with links, and timings show', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '40', MOCK_LLM_ANSWER: '您好！关于「{question}」：请在易事厅后台的机器人设置里填写回调地址。' });
    await ask(QUESTION);
    // Streaming: part of the answer is on screen while the stream is still open.
    await page.waitForSelector('.answer.streaming:not(:empty)');
    const partial = await page.textContent('.answer');
    await page.waitForSelector('.answer:not(.streaming)');
    const answer = await page.textContent('.answer');
    expect(answer).to.equal(`您好！关于「${QUESTION}」：请在易事厅后台的机器人设置里填写回调地址。`);
    expect(partial!.length).to.be.greaterThan(0).and.lessThan(answer!.length);

    const links = await page.$$eval('.docs a', (as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })));
    expect(links).to.deep.include({ text: '易事厅使用指南', href: 'https://example.invalid/p/4010230492' });
    const meta = await page.textContent('.meta');
    expect(meta).to.match(/first frame \d+ ms/).and.match(/total [\d.]+ (ms|s)/).and.include('answer_success 1');
    expect(await page.isHidden('.status')).to.equal(true);
    expect(await page.textContent('#raw')).to.include('event:delta\ndata:{"response":"您"');
    expect(await page.textContent('#session')).to.match(/^pg-[0-9a-f]{16}$/);
    expect(consoleErrors).to.deep.equal([]);

    await page.click('#raw-panel summary');
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'playground.png'), fullPage: true });
  });

  it('when sync mode is on, then /chat/sync answers and its recalled documents are shown', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0', MOCK_LLM_ANSWER: '同步：{question}' });
    await page.goto(`${service.url}/playground`);
    await page.check('#sync');
    await page.fill('#question', '连不上VPN');
    await page.click('#send');
    await page.waitForSelector('.answer:not(.streaming)');
    expect(await page.textContent('.answer')).to.equal('同步：连不上VPN');
    expect(await page.$$eval('.docs a', (as) => as.length)).to.equal(2);
    expect(await page.textContent('.meta')).to.match(/^sync · first reply \d+ ms/);
    expect(await page.textContent('#raw')).to.include('"is_recall_success": 1');
  });

  it('when the model fails mid-answer, then the apology shows with answer_success 0 in plain words', async () => {
    service = await startTestService({}, { llm: new ScriptedLlm(['半句', { fail: new Error('upstream 500') }]) });
    await ask(QUESTION);
    await page.waitForSelector('.status:not([hidden])');
    expect(await page.textContent('.answer')).to.match(/^半句抱歉/);
    expect(await page.textContent('.status')).to.include('The bot could not answer (answer_success 0)');
    expect(await page.textContent('.meta')).to.include('answer_success 0');
  });

  it('when the question is rejected, then the err_msg of the JSON error is shown with its status', async () => {
    service = await startTestService({ MAX_CONTENT_CHARS: '5' });
    await ask('这个问题比五个字长得多');
    await page.waitForSelector('.status:not([hidden])');
    expect(await page.textContent('.status')).to.match(/refused the question \(HTTP 400\): content: .+/);
  });

  it('when the model answers with HTML, then it is shown as text and no element is created', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0', MOCK_LLM_ANSWER: '<img src=x onerror="document.title=1"><b>粗</b>' });
    await ask('x');
    await page.waitForSelector('.answer:not(.streaming)');
    expect(await page.textContent('.answer')).to.equal('<img src=x onerror="document.title=1"><b>粗</b>');
    expect(await page.$$eval('.answer *', (nodes) => nodes.length)).to.equal(0);
  });

  it('when opened with ?token= and a new conversation is started, then calls carry Bearer auth and the new session id', async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0' });
    const sent: { auth: string | undefined; body: Record<string, unknown> }[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') sent.push({ auth: r.headers().authorization, body: JSON.parse(r.postData() ?? '{}') });
    });
    await ask('第一问', '/playground?token=t-123');
    await page.waitForSelector('.answer:not(.streaming)');
    const first = await page.textContent('#session');
    await page.click('#new-session');
    const second = await page.textContent('#session');
    await page.fill('#question', '第二问');
    await page.click('#send');
    await page.waitForSelector('.turn .meta:not(:empty)'); // the new conversation holds only this turn
    expect(second).to.not.equal(first);
    expect(sent.map((s) => s.auth)).to.deep.equal(['Bearer t-123', 'Bearer t-123']);
    expect(sent.map((s) => s.body.session_id)).to.deep.equal([first, second]);
  });

  it('when served, then a strict CSP without external origins or unsafe-inline still lets the page run', async () => {
    service = await startTestService();
    const res = await fetch(`${service.url}/playground`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(res.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(csp).to.include("default-src 'none'").and.match(/script-src 'sha256-[^']+'/).and.include("connect-src 'self'");
    expect(csp).to.not.match(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(await res.text()).to.not.match(/(src|href)="https?:/);
    await page.goto(`${service.url}/playground`);
    expect(await page.textContent('#session')).to.match(/^pg-/); // the inline script ran
    expect(consoleErrors).to.deep.equal([]);
  });

  it('when PLAYGROUND_ENABLED=false, then /playground is an unknown route (404 JSON error)', async () => {
    service = await startTestService({ PLAYGROUND_ENABLED: 'false' });
    const res = await fetch(`${service.url}/playground`);
    expect(res.status).to.equal(404);
    expect(((await res.json()) as { err_msg: string }).err_msg).to.include('/playground');
  });
});
