import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { adminReportUntil } from '../support/records-client.js';
import { postSse, sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
  '--no-first-run', '--disable-component-update', '--disable-sync'];
const TOKEN = 'admin-e2e-token';
const UNANSWERABLE = '食堂周末几点开门？';
const TAUGHT = '食堂周末早上八点开门，晚上七点关门。';

describe('admin page in a real browser (Chromium): the unanswered question taught and then answered', function () {
  this.timeout(90_000);
  let profile: string;
  let kbDir: string;
  let browser: BrowserContext;
  let service: TestService | undefined;
  let page: Page;
  let consoleErrors: string[];

  before(async () => {
    profile = mkdtempSync(join(tmpdir(), 'admin-chromium-'));
    // No skip when Chromium is missing: scripts/ensure.d/chromium.sh installs it before `npm test`.
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });
  beforeEach(async () => {
    kbDir = mkdtempSync(join(tmpdir(), 'admin-kb-'));
    writeFileSync(join(kbDir, 'vpn.md'), '# VPN 使用说明\n\n连接 VPN 前请先安装客户端，用域账号登录。连不上时重启客户端再试。\n');
    mkdirSync(join(kbDir, 'sub'));
    service = await startTestService({
      KB_PROVIDER: 'local', KB_DIR: kbDir, KB_WATCH_DEBOUNCE_MS: '200', LLM_PROVIDER: 'extractive', EXTRACTIVE_DELAY_MS: '0',
      RECORDS_DB: join(kbDir, '..', `${kbDir.split('/').pop()}-records.sqlite`), ADMIN_TOKEN: TOKEN,
    });
    page = await browser.newPage();
    await page.setViewportSize({ width: 1100, height: 1400 });
    consoleErrors = [];
    // The browser asks for /favicon.ico on its own (a 404 it reports as a console error): not the page's doing.
    page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && consoleErrors.push(`${m.text()} ${m.location().url}`));
  });
  afterEach(async () => {
    await page.close();
    service?.server.closeAllConnections();
    await service?.close();
    service = undefined;
    rmSync(kbDir, { recursive: true, force: true });
  });

  it('asks an unanswerable question on /chat, finds it in /admin, teaches it there, and the same question then gets the direct answer', async () => {
    const first = await postSse(service!.url, { user: 'zhangsan', msg_type: 'text', content: UNANSWERABLE });
    expect(first.frames.at(-1)!.data.global_output).to.include({ answer_success: 0 });
    for (const q of ['VPN 连不上怎么办？', '怎么连接 VPN', '周末食堂几点开门', '打印机卡纸怎么处理？']) {
      await sendJson(service!.url, '/chat/sync', { body: { user: 'lisi', msg_type: 'text', content: q } });
    }
    // Records are written about once a second: wait until the page would show the question.
    await adminReportUntil(service!.url, `/admin/api/unanswered?token=${TOKEN}`, (b: { groups: { wordings: string[] }[] }) =>
      b.groups.some((g) => g.wordings.includes(UNANSWERABLE)),
    );

    await page.goto(`${service!.url}/admin?token=${TOKEN}`);
    const group = page.locator('.group', { has: page.locator('.q', { hasText: '食堂' }) });
    await group.waitFor();
    expect(await group.locator('input[name=question]').inputValue()).to.match(/食堂/);
    // The group holds both wordings; the similar box is prefilled with the other one.
    expect(await group.locator('.meta').allTextContents()).to.satisfy((t: string[]) => t.some((x) => x.includes('2×')));
    await page.waitForSelector('#chart svg rect.bar');
    // Saved where test output goes; docs/admin.png (shown in the README) is a copy of one run's.
    await page.screenshot({ path: join(process.cwd(), 'test-output', 'admin.png'), fullPage: true });

    await group.locator('textarea[name=answer]').fill(TAUGHT);
    await group.locator('button[type=submit]').click();
    await group.locator('.ok', { hasText: 'saved as taught-' }).waitFor();
    const faqFile = join(kbDir, 'taught-faq.jsonl');
    const row = JSON.parse(readFileSync(faqFile, 'utf8').trim()) as { question: string; answer: string; similar: string[] };
    // The group's wordings became the entry's standard and similar questions.
    expect(row.answer).to.equal(TAUGHT);
    expect([row.question, ...row.similar]).to.have.members([UNANSWERABLE, '周末食堂几点开门']);

    // The index picks the file up through its folder watcher; then the same question is answered directly.
    const until = Date.now() + 20_000;
    let reason: string | null = null;
    let reply: Record<string, unknown> = {};
    while (Date.now() < until) {
      const again = await sendJson(service!.url, '/chat/sync', { body: { user: 'zhangsan', msg_type: 'text', content: UNANSWERABLE } });
      reason = again.headers.get('x-answer-reason');
      reply = again.body;
      if (reason === 'faq_direct') break;
      await sleep(250);
    }
    expect(reason).to.equal('faq_direct');
    expect(reply.msg_content).to.equal(TAUGHT);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('when a user clicks thumbs down under an answer in the playground, then the turn shows in the thumbs-down report', async () => {
    await page.goto(`${service!.url}/playground?token=${TOKEN}`);
    await page.fill('#question', 'VPN 连不上怎么办？');
    await page.click('#send');
    await page.waitForSelector('.feedback .thumb.down');
    await page.click('.feedback .thumb.down');
    await page.waitForSelector('.feedback .thumb.down.chosen');
    const report = await adminReportUntil<{ feedback: { question: string | null }[] }>(
      service!.url,
      `/admin/api/feedback?token=${TOKEN}`,
      (b) => b.feedback.some((f) => f.question === 'VPN 连不上怎么办？'),
    );
    expect(report.feedback).to.have.length(1);
    expect(consoleErrors).to.deep.equal([]);
  });
});
