import { expect } from 'chai';
import { dropRunningLines, linesToBlocks, pageLines, type PdfLine, type PdfTextItem } from '../../../src/adapters/knowledge-base/ingest/readers/pdf-layout.js';
import { pdfOwnTitle } from '../../../src/adapters/knowledge-base/ingest/readers/pdf.reader.js';
import { allText, readAs, readFixture } from './fixture-read.js';

const run = (str: string, x: number, y: number, size = 12, hasEOL = false): PdfTextItem => ({ str, transform: [size, 0, 0, size, x, y], width: str.length * size * 0.6, height: size, hasEOL });
const line = (text: string, y: number, page: number, size = 12): PdfLine => ({ text, y, size, page });

describe('PDF reader', () => {
  it('when the LibreOffice printer FAQ is read, then title, headings, pages and Chinese lines joined without spaces come out, and the running header and page numbers do not', async () => {
    const { documents, problems } = await readFixture('printer-faq.pdf');
    expect(problems).to.deep.equal([]);
    const doc = documents[0];
    expect(doc?.title).to.equal('打印机常见问题');
    expect(doc?.blocks.filter((b) => b.kind === 'heading').map((b) => [b.kind === 'heading' && b.level, b.kind === 'heading' && b.text, b.page])).to.deep.equal([
      [1, '打印机常见问题', 1],
      [2, '碳粉更换', 2],
      [2, '扫描到邮箱', 3],
    ]);
    // This paragraph wraps over three lines in the PDF ("…如果问题依" / "旧存在…").
    expect(doc?.blocks[1]).to.deep.equal({
      kind: 'paragraph',
      text: '打印机脱机时，请先检查网线是否插好，然后在控制面板中将打印机设为联机状态。如果问题依旧存在，请重新启动打印机并等待大约两分钟后再次尝试打印文件，仍然失败时请记录面板上显示的错误代码并联系服务台。',
      page: 1,
    });
    const text = allText(doc?.blocks ?? []);
    expect(text).not.to.include('内部资料');
    expect(text).not.to.match(/第\s*\d\s*页/);
    expect(text).to.include('文件格式默认为PDF。');
    expect(doc?.blocks.every((b) => b.page !== undefined)).to.equal(true);
  });

  it('when runs share a baseline, then they are one line; Latin runs with a gap get a space, CJK runs none', () => {
    const lines = pageLines([run('请安装', 50, 700), run('EasyConnect', 90, 700), run('client', 180, 700), run('', 0, 700, 12, true), run('然后重启。', 50, 683)], 4);
    expect(lines).to.deep.equal([line('请安装EasyConnect client', 700, 4), line('然后重启。', 683, 4)]);
  });

  it('when paragraphs are parted by a wider gap, then lines inside are joined: Chinese without a space, Latin with one', () => {
    const blocks = linesToBlocks([
      line('打印机脱机时请先检查网线是否插好然后在控制', 700, 1),
      line('面板中设为联机状态。', 683, 1),
      line('Restart the printer and', 650, 1),
      line('wait two minutes.', 633, 1),
      line('碳粉更换', 600, 1, 18),
    ]);
    expect(blocks).to.deep.equal([
      { kind: 'paragraph', text: '打印机脱机时请先检查网线是否插好然后在控制面板中设为联机状态。', page: 1 },
      { kind: 'paragraph', text: 'Restart the printer and wait two minutes.', page: 1 },
      { kind: 'heading', level: 1, text: '碳粉更换', page: 1 },
    ]);
  });

  it('when a line repeats at the top or bottom of most pages, or is a page number, then it is dropped; the same words in the body stay', () => {
    const pages = [1, 2, 3, 4].map((p) => [
      line('公司机密 IT 服务台', 800, p),
      line(`正文第${p}页的内容，公司机密 IT 服务台`, 700 - p * 40, p),
      line(p === 2 ? '- 2 -' : `${p} / 4`, 50, p),
    ]);
    const kept = dropRunningLines(pages).flat().map((l) => l.text);
    expect(kept).to.deep.equal([1, 2, 3, 4].map((p) => `正文第${p}页的内容，公司机密 IT 服务台`));
    // Two pages are too few to call a line a running header.
    expect(dropRunningLines([[line('标题', 800, 1)], [line('标题', 800, 2)]]).flat()).to.have.length(2);
  });

  it('when the PDF Title is a producer placeholder or a file name, then it is not the title', () => {
    for (const junk of ['Microsoft Word - VPN指南.docx', 'Untitled', '无标题', 'report.pdf', '   ', 42]) expect(pdfOwnTitle(junk), String(junk)).to.equal(undefined);
    expect(pdfOwnTitle('  VPN  使用指南 ')).to.equal('VPN 使用指南');
  });

  it('when a PDF is encrypted, image-only, truncated or corrupt, then it is a problem naming that, not a throw', async () => {
    expect((await readFixture('bad/encrypted.pdf')).problems[0]?.reason).to.equal('encrypted PDF (it needs a password)');
    expect((await readFixture('bad/image-only.pdf')).problems[0]?.reason).to.equal('no text layer (scanned or image-only PDF)');
    expect((await readFixture('bad/truncated.pdf')).problems[0]?.reason).to.match(/^corrupt or truncated PDF: /);
    const broken = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0x41)]);
    const out = await readAs('broken.pdf', broken);
    expect(out.documents).to.deep.equal([]);
    expect(out.problems[0]?.reason).to.match(/^corrupt or truncated PDF: |^no text layer/);
  });
});
