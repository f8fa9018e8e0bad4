import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { readAs, readFixture } from './fixture-read.js';

describe('PowerPoint reader', () => {
  it('when the LibreOffice onboarding deck is read, then each slide gives a heading with its slide number, then its bullets and text', async () => {
    const { documents, problems } = await readFixture('onboarding-deck.pptx');
    expect(problems).to.deep.equal([]);
    expect(documents[0]?.title).to.equal('新员工 IT 入门');
    expect(documents[0]?.blocks).to.deep.equal([
      { kind: 'heading', level: 1, text: '新员工 IT 入门', page: 1 },
      { kind: 'list_item', text: '第一天领取笔记本和工卡', page: 1 },
      { kind: 'list_item', text: '在自助平台激活邮箱账号', page: 1 },
      { kind: 'heading', level: 1, text: 'VPN 与远程办公', page: 2 },
      { kind: 'paragraph', text: '在家办公请先连接 VPN，客户端为 EasyConnect。', page: 2 },
    ]);
  });

  it('when a Word file is named .pptx, then the problem says it is not a deck', async () => {
    const docx = readFileSync(new URL('../../fixtures/kb-formats/vpn-guide.docx', import.meta.url));
    expect((await readAs('deck.pptx', docx)).problems).to.deep.equal([{ source: 'deck.pptx', reason: 'PowerPoint deck without ppt/presentation.xml (is it another kind of Office file?)' }]);
  });
});
