import { expect } from 'chai';
import { READ_EXTENSIONS, readerFor } from '../../../src/adapters/knowledge-base/ingest/readers/reader-table.js';
import type { ReaderOutput } from '../../../src/adapters/knowledge-base/ingest/blocks.js';

async function read(path: string, content: string | Buffer): Promise<ReaderOutput> {
  const reader = readerFor(path);
  if (!reader) throw new Error(`no reader for ${path}`);
  return reader({ path, bytes: Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8') });
}

describe('format readers: Markdown, text, JSON Lines and the reader table', () => {
  it('when an extension is known in any case, then a reader is found; unknown ones get none', () => {
    expect(readerFor('a/B.MD')).to.be.a('function');
    expect(readerFor('notes.Jsonl')).to.be.a('function');
    expect(readerFor('image.png')).to.equal(undefined);
    expect(READ_EXTENSIONS).to.include.members(['.md', '.txt', '.jsonl']);
  });

  it('when Markdown has front matter, then its fields are taken and the body becomes typed blocks', async () => {
    const md = [
      '---',
      'doc_id: doc-vpn',
      'title: VPN 连接指南',
      'url: https://wiki.example.com/vpn',
      'space_id: it',
      '---',
      '# 远程办公',
      '',
      '## 安装客户端',
      '从软件中心安装 **EasyConnect** 客户端，',
      '然后重启电脑。',
      '',
      '- 打开客户端',
      '* 输入工号',
      '1. 输入[动态口令](https://x.example)',
      '',
      '| 系统 | 版本 |',
      '|---|:---:|',
      '| Windows | 10 及以上 |',
      '| macOS | 12 |',
    ].join('\n');
    const { documents, problems } = await read('it/vpn.md', md);
    expect(problems).to.deep.equal([]);
    const doc = documents[0];
    expect(doc).to.include({ docId: 'doc-vpn', title: 'VPN 连接指南', url: 'https://wiki.example.com/vpn', spaceId: 'it', source: 'it/vpn.md' });
    expect(doc?.blocks).to.deep.equal([
      { kind: 'heading', level: 1, text: '远程办公' },
      { kind: 'heading', level: 2, text: '安装客户端' },
      { kind: 'paragraph', text: '从软件中心安装 EasyConnect 客户端，然后重启电脑。' },
      { kind: 'list_item', text: '打开客户端' },
      { kind: 'list_item', text: '输入工号' },
      { kind: 'list_item', text: '输入动态口令' },
      { kind: 'table', header: ['系统', '版本'], rows: [['Windows', '10 及以上'], ['macOS', '12']] },
    ]);
  });

  it('when Markdown has no front matter, then the first level-1 heading is the title and the rest stays undefined', async () => {
    const { documents } = await read('printer.md', '## 概述\n\n# 打印机添加方法\n\n正文');
    expect(documents[0]).to.include({ title: '打印机添加方法', docId: undefined, url: undefined, spaceId: undefined });
  });

  it('when front matter is broken or not a mapping, then the file is a problem with the old reasons', async () => {
    const bad = await read('bad.md', '---\ntitle: [unclosed\n---\n正文');
    expect(bad.problems[0]?.reason).to.match(/^front matter is not valid YAML: /);
    const list = await read('list.md', '---\n- a\n- b\n---\n正文');
    expect(list.problems[0]?.reason).to.equal('front matter must be a mapping of keys to values');
  });

  it('when a heading line is hostile (a hash then 100,000 spaces), then it is read in linear time', async () => {
    const started = Date.now();
    const { documents } = await read('x.md', `# a${' '.repeat(100_000)}b\n\n[${'['.repeat(50_000)}`);
    expect(documents[0]?.title).to.equal(`a${' '.repeat(100_000)}b`);
    expect(Date.now() - started).to.be.below(1000);
  });

  it('when plain text has blank lines, then they part paragraphs and there is no title of its own', async () => {
    const { documents } = await read('wifi.txt', '\uFEFF连接 Wi-Fi：\r\n选择 Corp-WiFi\r\n\r\n  \r\n密码见工位卡片。\n');
    expect(documents[0]?.title).to.equal(undefined);
    expect(documents[0]?.blocks).to.deep.equal([
      { kind: 'paragraph', text: '连接 Wi-Fi：\n选择 Corp-WiFi' },
      { kind: 'paragraph', text: '密码见工位卡片。' },
    ]);
  });

  it('when text is not UTF-8 or the file is empty, then the problem says so', async () => {
    // 你好 in GBK, as Excel and Notepad on a Chinese Windows save it.
    expect((await read('gbk.txt', Buffer.from([0xc4, 0xe3, 0xba, 0xc3]))).problems).to.deep.equal([{ source: 'gbk.txt', reason: 'not UTF-8 text' }]);
    expect((await read('bin.txt', Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]))).problems).to.deep.equal([
      { source: 'bin.txt', reason: 'extension says .txt (plain text) but the content is binary data' },
    ]);
    expect((await read('e.md', Buffer.alloc(0))).problems).to.deep.equal([{ source: 'e.md', reason: 'empty file' }]);
    expect((await read('blank.jsonl', ' \n\n')).problems).to.deep.equal([{ source: 'blank.jsonl', reason: 'empty file' }]);
  });

  it('when JSON Lines mix documents, FAQ entries and broken lines, then each good line is read and each bad one named by line', async () => {
    const lines = [
      '{"id":"a","title":"A","text":"第一段\\n\\n第二段","space_id":"hr","url":"https://x.example/a"}',
      '{"id":"b", "text": ',
      '[1,2]',
      '{"id":"c","title":"C"}',
      '',
      '{"question":"VPN 连不上怎么办？","answer":"先检查网络。","similar":["vpn 断开"," 连不上 vpn "],"space_id":"it"}',
      '{"id":7,"question":"打印机在哪？","answer":"三楼。"}',
      '{"question":"缺答案"}',
      '{"question":"q","answer":"a","similar":"not a list"}',
      '{"id":42,"text":"数字编号"}',
    ].join('\r\n');
    const { documents, faqs, problems } = await read('kb/mix.jsonl', lines);
    expect(documents.map((d) => [d.docId, d.title, d.source])).to.deep.equal([
      ['a', 'A', 'kb/mix.jsonl:1'],
      ['42', undefined, 'kb/mix.jsonl:10'],
    ]);
    expect(documents[0]).to.include({ spaceId: 'hr', url: 'https://x.example/a' });
    expect(documents[0]?.blocks.map((b) => b.kind === 'paragraph' && b.text)).to.deep.equal(['第一段', '第二段']);
    expect(faqs).to.deep.equal([
      { id: 'kb/mix.jsonl#6', question: 'VPN 连不上怎么办？', answer: '先检查网络。', similar: ['vpn 断开', '连不上 vpn'], url: undefined, spaceId: 'it', source: 'kb/mix.jsonl:6' },
      { id: '7', question: '打印机在哪？', answer: '三楼。', similar: [], url: undefined, spaceId: undefined, source: 'kb/mix.jsonl:7' },
    ]);
    expect(problems.map((p) => p.source)).to.deep.equal(['kb/mix.jsonl:2', 'kb/mix.jsonl:3', 'kb/mix.jsonl:4', 'kb/mix.jsonl:8', 'kb/mix.jsonl:9']);
    expect(problems.map((p) => p.reason)).to.deep.equal([
      'not valid JSON',
      'not a JSON object',
      '"text" must be a non-empty string',
      'an FAQ line needs "answer" as a non-empty string',
      '"similar" must be an array of strings',
    ]);
  });

  it('when a file has a legacy Office extension, or a .pptx is not a deck, then it is skipped with the reason', async () => {
    expect((await read('old.doc', 'x')).problems[0]?.reason).to.equal('legacy Office format; save it as .docx/.xlsx/PDF');
    const pk = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(20)]);
    expect((await read('deck.pptx', pk)).problems[0]?.reason).to.equal('corrupt or truncated PowerPoint deck (no complete ZIP directory)');
    expect((await read('deck.pptx', 'plain text')).problems[0]?.reason).to.equal('extension says .pptx (a PowerPoint deck) but the content is text');
  });
});
