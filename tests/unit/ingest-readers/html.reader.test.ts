import { expect } from 'chai';
import { allText, readAs, readFixture } from './fixture-read.js';

const PAGE = `<!DOCTYPE html><html><head><title> 员工 &amp; 访客 Wi-Fi </title>
<link rel="canonical" href="https://wiki.example.com/it/wifi?x=1">
<style>.NAVSTYLE{color:red}</style><script>var SCRIPTWORD = 1;</script></head>
<body><header>HEADERWORD 首页</header><nav><a href="/">NAVWORD 导航</a></nav>
<main>
  <h1>访客 Wi-Fi</h1>
  <p>访客网络名称为
     Guest-WiFi，密码每周一
     更新。</p>
  <div hidden>HIDDENWORD</div><div style="display: none">HIDDENSTYLE</div>
  <noscript>NOSCRIPTWORD</noscript><template>TEMPLATEWORD</template>
  <ul><li>连接 <b>Guest-WiFi</b></li><li>打开浏览器<ul><li>输入手机号</li></ul></li></ul>
  <p>第一行<br>第二行 &lt;重要&gt;&nbsp;提示</p>
  <table><thead><tr><th>楼层</th><th>信号</th></tr></thead><tbody><tr><td>3F</td><td>强</td></tr><tr><td colspan="2">4F 施工中</td></tr></tbody></table>
  <aside>ASIDEWORD</aside>
</main>
<footer>FOOTERWORD 版权所有</footer></body></html>`;

describe('HTML reader', () => {
  it('when a page has a <main>, then only its content becomes blocks, with headings, list items, a table, <br> lines and decoded entities', async () => {
    const { documents, problems } = await readAs('it/wifi.html', PAGE);
    expect(problems).to.deep.equal([]);
    const doc = documents[0];
    expect(doc).to.include({ title: '员工 & 访客 Wi-Fi', url: 'https://wiki.example.com/it/wifi?x=1', source: 'it/wifi.html' });
    expect(doc?.blocks).to.deep.equal([
      { kind: 'heading', level: 1, text: '访客 Wi-Fi' },
      { kind: 'paragraph', text: '访客网络名称为 Guest-WiFi，密码每周一更新。' },
      { kind: 'list_item', text: '连接 Guest-WiFi' },
      { kind: 'list_item', text: '打开浏览器' },
      { kind: 'list_item', text: '输入手机号' },
      { kind: 'paragraph', text: '第一行\n第二行 <重要> 提示' },
      { kind: 'table', header: ['楼层', '信号'], rows: [['3F', '强'], ['4F 施工中', '4F 施工中']] },
    ]);
    for (const word of ['SCRIPTWORD', 'NAVSTYLE', 'HEADERWORD', 'NAVWORD', 'HIDDENWORD', 'HIDDENSTYLE', 'NOSCRIPTWORD', 'TEMPLATEWORD', 'ASIDEWORD', 'FOOTERWORD']) {
      expect(allText(doc?.blocks ?? [])).not.to.include(word);
    }
  });

  it('when there is no <main>, then [role=main] or <article> is the content, else the body without its chrome', async () => {
    const role = await readAs('a.htm', '<body><div>OUTSIDE</div><div role="main"><p>正文</p></div></body>');
    expect(allText(role.documents[0]?.blocks ?? [])).to.equal('正文');
    const article = await readAs('b.html', '<body><nav>菜单</nav><article><h2>章节</h2><p>内容</p></article><p>OUTSIDE</p></body>');
    expect(article.documents[0]?.blocks).to.deep.equal([{ kind: 'heading', level: 2, text: '章节' }, { kind: 'paragraph', text: '内容' }]);
    const body = await readAs('c.html', '<body><nav>菜单</nav><h1>标题</h1><div>甲</div><div>乙</div><footer>页脚</footer></body>');
    expect(body.documents[0]?.title).to.equal('标题');
    expect(allText(body.documents[0]?.blocks ?? [])).to.equal('标题\n甲\n乙');
  });

  it('when a table lays out the page (a heading or list in a cell, or one column), then its content is read as flow, not rows', async () => {
    const layout = await readAs('l.html', '<table><tr><td><h1>网络</h1><p>有线网络说明</p></td><td><ul><li>端口</li></ul></td></tr></table><table><tr><td>单列说明</td></tr></table>');
    expect(layout.documents[0]?.blocks).to.deep.equal([
      { kind: 'heading', level: 1, text: '网络' },
      { kind: 'paragraph', text: '有线网络说明' },
      { kind: 'list_item', text: '端口' },
      { kind: 'paragraph', text: '单列说明' },
    ]);
  });

  it('when the canonical link is relative or not http(s), then there is no URL; an empty <title> falls back to the first <h1>', async () => {
    for (const href of ['/it/wifi', 'javascript:alert(1)', 'ftp://x.example/a']) {
      const { documents } = await readAs('x.html', `<head><title></title><link rel="canonical" href="${href}"></head><body><h2>小节</h2><h1>主标题</h1><p>x</p></body>`);
      expect(documents[0]?.url).to.equal(undefined);
      expect(documents[0]?.title).to.equal('主标题');
    }
  });

  it('when a page has no text in its content, or elements nested 100,000 deep, then it is a problem; 500 deep is still read', async () => {
    expect((await readAs('e.html', '<html><body><script>x()</script></body></html>')).problems[0]?.reason).to.equal("no text in the page's main content");
    const nested = (n: number): string => `${'<div>'.repeat(n)}深处的文字${'</div>'.repeat(n)}`;
    const started = Date.now();
    expect((await readAs('deep.html', nested(100_000))).problems).to.deep.equal([{ source: 'deep.html', reason: 'elements nested more than 512 deep' }]);
    expect(Date.now() - started).to.be.below(1000);
    expect(allText((await readAs('ok.html', nested(500)).then((o) => o.documents[0]?.blocks ?? [])))).to.equal('深处的文字');
    // Unclosed <p> and <li>, as hand-written pages have, do not count as depth.
    expect((await readAs('p.html', '<p>段'.repeat(2000))).problems).to.deep.equal([]);
  });

  it('when the fixture VPN guide is read, then its h1/h2/h3, list and table come out in order', async () => {
    const { documents } = await readFixture('src/vpn-guide.html');
    const blocks = documents[0]?.blocks ?? [];
    expect(documents[0]?.title).to.equal('VPN 使用指南');
    expect(blocks.filter((b) => b.kind === 'heading').map((b) => b.kind === 'heading' && [b.level, b.text])).to.deep.equal([
      [1, 'VPN 使用指南'],
      [2, '安装客户端'],
      [2, '常见错误代码'],
      [3, '联系方式'],
    ]);
    expect(blocks.find((b) => b.kind === 'table')).to.deep.equal({
      kind: 'table',
      header: ['错误代码', '含义', '处理办法'],
      rows: [['E1001', '密码错误', '在自助平台重置密码'], ['E2002', '证书过期', '联系 IT 服务台续期证书']],
    });
  });
});
