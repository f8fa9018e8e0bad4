import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestService, type TestService } from '../support/test-service.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/kb-formats', import.meta.url));

/** The bot over HTTP on a folder of real Word, PDF and Excel files (made by LibreOffice) and broken ones. */
describe('answers from the documents operators keep', () => {
  let dir: string;
  let service: TestService;
  const ask = async (content: string) => {
    const r = await fetch(`${service.url}/chat/sync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content, user: 'u1', msg_type: 'text' }),
    });
    const body = (await r.json()) as { code: number; msg_content: string; recall_docs: { doc_id: string; title: string; url: string; space_id: string }[] };
    return { ...body, reason: r.headers.get('x-answer-reason') };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-formats-'));
    mkdirSync(join(dir, 'it'));
    writeFileSync(join(dir, 'it', '_kb.yaml'), 'space_id: it-desk\nurl: https://wiki.example.com/it/{path}\n');
    for (const f of ['vpn-guide.docx', 'printer-faq.pdf', 'kb-sheet.xlsx', 'faq-sheet.xlsx']) copyFileSync(join(FIXTURES, f), join(dir, 'it', f));
    // A manual that covers every word of one FAQ question (its passage scores 1.0 on coverage).
    writeFileSync(join(dir, 'it', 'vpn-manual.md'), '# VPN 连接失败怎么办\n\nVPN 连接失败时，先检查网络，再查看客户端日志。\n');
    mkdirSync(join(dir, 'bad'));
    for (const f of readdirSync(join(FIXTURES, 'bad'))) copyFileSync(join(FIXTURES, 'bad', f), join(dir, 'bad', f));
    service = await startTestService({ KB_PROVIDER: 'local', KB_DIR: dir, LLM_PROVIDER: 'extractive', EXTRACTIVE_DELAY_MS: '0', KB_WATCH_DEBOUNCE_MS: '0' });
  });
  after(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the answer sits in a Word file, then it is answered from it and the file is cited with its folder URL and space', async () => {
    const r = await ask('VPN 报错 E2002 证书过期怎么处理？');
    expect(r.code).to.equal(0);
    expect(r.recall_docs[0]).to.deep.include({ doc_id: 'it/vpn-guide.docx', url: 'https://wiki.example.com/it/vpn-guide.docx', space_id: 'it-desk' });
    expect(r.msg_content).to.include('续期证书');
  });

  it('when the answer sits in a PDF, then it is answered from it and the PDF is cited', async () => {
    const r = await ask('备用碳粉放在哪里？');
    expect(r.recall_docs[0]?.doc_id).to.equal('it/printer-faq.pdf');
    expect(r.msg_content).to.include('三楼行政室');
    expect(r.msg_content).to.not.include('请勿外传'); // the running header of every page is not text
  });

  it('when the answer sits in an Excel row, then the row is quoted with its column names', async () => {
    const r = await ask('VPN 的负责人是谁，电话多少？');
    expect(r.recall_docs[0]?.doc_id).to.match(/^it\/kb-sheet\.xlsx/);
    expect(r.msg_content).to.include('王强').and.include('8003');
  });

  it('when the user types a similar question of an FAQ sheet row, then its stored answer comes back directly', async () => {
    const r = await ask('邮箱密码忘了怎么办');
    expect(r.reason).to.equal('faq_direct');
    expect(r.msg_content).to.equal('登录自助平台 https://self.example.com ，点击“忘记密码”按手机验证码重置。');
    expect(r.recall_docs).to.have.length(1);
    expect(r.recall_docs[0]?.title).to.equal('如何重置邮箱密码？');
  });

  it('when a manual covers the same words as an FAQ entry, then the entry asked in its own words is still answered directly', async () => {
    const r = await ask('VPN 连接失败怎么办？');
    expect(r.reason).to.equal('faq_direct');
    expect(r.msg_content).to.equal('确认账号未过期，然后重新安装 EasyConnect 客户端。');
    expect(r.recall_docs).to.have.length(1);
  });

  it('when files are corrupt, encrypted, empty, truncated, image-only or lie about their type, then each is skipped and counted in /ready', async () => {
    const ready = (await (await fetch(`${service.url}/ready`)).json()) as Record<string, unknown>;
    const text = JSON.stringify(ready);
    expect(text).to.match(new RegExp(`${readdirSync(join(FIXTURES, 'bad')).length} skipped`));
    const lines = service.logLines().filter((l) => l.message === 'knowledge file skipped');
    for (const f of readdirSync(join(FIXTURES, 'bad'))) expect(lines.some((l) => l.file === `bad/${f}`), f).to.equal(true);
  });
});
