import { expect } from 'chai';
import type { Block } from '../../src/adapters/knowledge-base/ingest/blocks.js';
import { chunkBlocks } from '../../src/adapters/knowledge-base/ingest/chunker.js';
import { FolderMetaTable } from '../../src/adapters/knowledge-base/ingest/folder-meta.js';

describe('chunker: blocks to passages along the document structure', () => {
  const h = (level: number, text: string): Block => ({ kind: 'heading', level, text });
  const p = (text: string, page?: number): Block => ({ kind: 'paragraph', text, ...(page ? { page } : {}) });

  it('when a document has sections, then each passage carries its heading path and never mixes two sections', () => {
    const chunks = chunkBlocks([h(1, 'VPN 指南'), h(2, '安装'), p('下载客户端。'), p('双击安装。'), h(2, '连接'), p('输入账号。'), h(3, '排错'), p('检查网络。')], 800);
    expect(chunks.map((c) => [c.headings.join(' › '), c.text])).to.deep.equal([
      ['VPN 指南 › 安装', '下载客户端。\n\n双击安装。'],
      ['VPN 指南 › 连接', '输入账号。'],
      ['VPN 指南 › 连接 › 排错', '检查网络。'],
    ]);
  });

  it('when paragraphs exceed the size, then they are packed up to it and a long one is cut between sentences', () => {
    const long = '这是一个句子。'.repeat(40); // 280 chars
    const chunks = chunkBlocks([p('短段落。'), p(long)], 100);
    expect(chunks.every((c) => c.text.length <= 100)).to.equal(true);
    expect(chunks.map((c) => c.text).join('')).to.equal(`短段落。${long}`);
    expect(chunks[1]?.text.endsWith('。')).to.equal(true);
  });

  it('when a table fits, then it is one passage of its own; when it does not, then it is split by rows with the header repeated', () => {
    const table: Block = { kind: 'table', header: ['楼层', '打印机'], rows: Array.from({ length: 30 }, (_, i) => [`${i + 1} 楼`, `HP-${i}`]) };
    const whole = chunkBlocks([p('前言。'), table, p('后记。')], 2000);
    expect(whole.map((c) => c.text.split('\n')[0])).to.deep.equal(['前言。', '楼层 | 打印机', '后记。']);
    const split = chunkBlocks([table], 80);
    expect(split.length).to.be.greaterThan(2);
    for (const c of split) {
      expect(c.text.startsWith('楼层 | 打印机\n')).to.equal(true);
      expect(c.text.length).to.be.at.most(80);
    }
    expect(split.flatMap((c) => c.text.split('\n').slice(1))).to.have.length(30);
  });

  it('when blocks carry pages, then a passage starts on the page of its first block', () => {
    const chunks = chunkBlocks([p('第一页。', 1), p('第二页。', 2), h(1, '下一节'), p('第三页。', 3)], 800);
    expect(chunks.map((c) => c.page)).to.deep.equal([1, 3]);
  });
});

describe('folder metadata (_kb.yaml)', () => {
  it('when folders nest, then the nearest sets each field and the URL template is filled with the encoded path below it', () => {
    const problems: { source: string; reason: string }[] = [];
    const table = FolderMetaTable.parse(
      [
        { path: '_kb.yaml', text: 'space_id: it\nurl: https://wiki.example.com/{path}' },
        { path: 'hr/_kb.yaml', text: 'space_id: hr' },
        { path: 'hr/policies/_kb.yaml', text: 'url: https://hr.example.com/doc/{stem}' },
      ],
      problems,
    );
    expect(problems).to.deep.equal([]);
    expect(table.for('vpn/指南 1.pdf')).to.deep.equal({ spaceId: 'it', url: 'https://wiki.example.com/vpn/%E6%8C%87%E5%8D%97%201.pdf' });
    expect(table.for('hr/leave.docx')).to.deep.equal({ spaceId: 'hr', url: 'https://wiki.example.com/hr/leave.docx' });
    expect(table.for('hr/policies/a/b.docx')).to.deep.equal({ spaceId: 'hr', url: 'https://hr.example.com/doc/a/b' });
  });

  it('when a metadata file is malformed, then it is reported by name with the reason and ignored', () => {
    const problems: { source: string; reason: string }[] = [];
    const table = FolderMetaTable.parse(
      [
        { path: 'a/_kb.yaml', text: 'space_id: [oops' },
        { path: 'b/_kb.yaml', text: 'spaceid: x' },
        { path: 'c/_kb.yaml', text: 'url: ftp://x/{path}' },
      ],
      problems,
    );
    expect(problems.map((p) => p.source)).to.deep.equal(['a/_kb.yaml', 'b/_kb.yaml', 'c/_kb.yaml']);
    expect(problems[1]?.reason).to.match(/unknown keys spaceid/);
    expect(problems[2]?.reason).to.match(/http or https/);
    expect(table.for('a/x.pdf')).to.deep.equal({});
  });
});
