import { expect } from 'chai';
import { readAs, readFixture } from './fixture-read.js';

describe('Word reader', () => {
  it('when the LibreOffice VPN guide is read, then its Heading 1–3, paragraphs, list items and table survive and the title is its heading 1', async () => {
    const { documents, problems } = await readFixture('vpn-guide.docx');
    expect(problems).to.deep.equal([]);
    expect(documents[0]?.title).to.equal('VPN 使用指南');
    expect(documents[0]?.blocks).to.deep.equal([
      { kind: 'heading', level: 1, text: 'VPN 使用指南' },
      { kind: 'paragraph', text: '本指南介绍如何在公司笔记本上连接 VPN，以便在家访问内网系统。' },
      { kind: 'heading', level: 2, text: '安装客户端' },
      { kind: 'paragraph', text: '请从软件中心下载 EasyConnect 客户端，安装完成后重启电脑。' },
      { kind: 'list_item', text: 'Windows 10 及以上版本' },
      { kind: 'list_item', text: 'macOS 12 及以上版本' },
      { kind: 'heading', level: 2, text: '常见错误代码' },
      { kind: 'table', header: ['错误代码', '含义', '处理办法'], rows: [['E1001', '密码错误', '在自助平台重置密码'], ['E2002', '证书过期', '联系 IT 服务台续期证书']] },
      { kind: 'heading', level: 3, text: '联系方式' },
      { kind: 'paragraph', text: '如仍无法连接，请拨打 IT 服务台电话 8888。' },
    ]);
  });

  it('when a Word file has no heading 1, then its title comes from its core properties (dc:title)', async () => {
    const { documents } = await readFixture('wifi-no-heading.docx');
    expect(documents[0]?.title).to.equal('访客无线网络说明');
    expect(documents[0]?.blocks.map((b) => b.kind)).to.deep.equal(['paragraph', 'paragraph']);
  });

  it('when a .docx is truncated, random bytes, an encrypted (OLE2) file or another Office file, then the problem says which', async () => {
    expect((await readFixture('bad/truncated.docx')).problems[0]?.reason).to.equal('corrupt or truncated Word document (no complete ZIP directory)');
    expect((await readFixture('bad/corrupt.docx')).problems[0]?.reason).to.equal('extension says .docx (a Word document) but the content is binary data');
    const ole2 = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512, 1)]);
    expect((await readAs('secret.docx', ole2)).problems[0]?.reason).to.match(/content is an OLE2 compound file \(an encrypted Office document/);
    expect((await readFixture('bad/docx-named.xlsx')).problems[0]?.reason).to.equal('Excel workbook without xl/workbook.xml (is it another kind of Office file?)');
  });
});
