import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkBlocks } from '../../src/adapters/knowledge-base/ingest/chunker.js';
import { indexFolder } from '../support/kb-folder.js';

const CORPUS = fileURLToPath(new URL('../fixtures/kb/corpus', import.meta.url));

describe('knowledge folder ingestion', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'kb-ingest-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('when Markdown has front matter, then title, url, doc_id and space_id come from it', async () => {
    const { docs, problems } = await indexFolder(CORPUS);
    expect(problems).to.deep.equal([]);
    const vpn = docs.find((d) => d.docId === 'doc-vpn');
    expect(vpn).to.include({ title: 'VPN 连接指南', url: 'https://example.invalid/vpn', spaceId: 'it-helpdesk' });
    expect(vpn?.text).to.include('动态口令').and.not.include('space_id');
  });

  it('when Markdown has no front matter, then the first heading is the title and the path the id', async () => {
    const { docs } = await indexFolder(CORPUS);
    expect(docs.find((d) => d.docId === 'printer.md')).to.include({ title: '打印机添加方法', url: '', spaceId: '' });
  });

  it('when a plain text file sits in a subfolder, then it is one document named after the file', async () => {
    const { docs } = await indexFolder(CORPUS);
    expect(docs.find((d) => d.docId === 'nested/wifi.txt')).to.include({ title: 'wifi' });
  });

  it('when JSON Lines are read, then each line is a document and numeric ids become strings', async () => {
    const { docs } = await indexFolder(CORPUS);
    expect(docs.find((d) => d.docId === 'doc-leave')).to.include({ title: '请假流程', spaceId: 'hr' });
    expect(docs.find((d) => d.docId === '42')).to.include({ title: 'Expense reimbursement', url: '' });
  });

  it('when a JSONL line is broken, then it is reported by file and line and the other lines still load', async () => {
    await writeFile(
      join(dir, 'docs.jsonl'),
      ['{"id":"a","title":"A","text":"第一篇"}', '{"id":"b", "text": ', '[1,2]', '{"id":"c","title":"C"}', '', '{"id":"d","text":"第四篇"}'].join('\n'),
    );
    const { docs, problems } = await indexFolder(dir);
    expect(docs.map((d) => d.docId)).to.deep.equal(['a', 'd']);
    expect(problems.map((p) => p.source)).to.deep.equal(['docs.jsonl:2', 'docs.jsonl:3', 'docs.jsonl:4']);
    expect(problems[2]?.reason).to.include('"text"');
  });

  it('when a file cannot be read or parsed, then it is reported by name and skipped', async () => {
    await writeFile(join(dir, 'good.md'), '# 好文档\n\n正文');
    await writeFile(join(dir, 'bad-yaml.md'), '---\ntitle: [unclosed\n---\n正文');
    await writeFile(join(dir, 'binary.txt'), Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28]));
    await mkdir(join(dir, 'folder.md'));
    const { docs, problems } = await indexFolder(dir);
    expect(docs.map((d) => d.docId)).to.deep.equal(['good.md']);
    const bySource = Object.fromEntries(problems.map((p) => [p.source, p.reason]));
    expect(bySource['bad-yaml.md']).to.include('front matter');
    expect(bySource['binary.txt']).to.match(/binary data|not UTF-8 text/);
    // A folder is a folder whatever its name: walked (it is empty), not reported.
    expect(bySource['folder.md']).to.equal(undefined);
  });

  it('when two files claim the same doc_id, then the second is reported and skipped', async () => {
    await writeFile(join(dir, 'a.md'), '---\ndoc_id: same\n---\n甲');
    await writeFile(join(dir, 'b.md'), '---\ndoc_id: same\n---\n乙');
    const { docs, problems } = await indexFolder(dir);
    expect(docs.map((d) => d.source)).to.deep.equal(['a.md']);
    expect(problems[0]).to.deep.include({ source: 'b.md' });
  });

  it('when hidden files or other extensions are present, then they are ignored silently', async () => {
    await writeFile(join(dir, '.secret.md'), '隐藏');
    await writeFile(join(dir, 'image.png'), 'not text');
    const { docs, problems } = await indexFolder(dir);
    expect(docs).to.deep.equal([]);
    expect(problems).to.deep.equal([]);
  });

  it('when a document is long, then it is split into passages that lose no text', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `第${i}段：${'内容'.repeat(30)}。`);
    const chunks = chunkBlocks(paragraphs.map((text) => ({ kind: 'paragraph' as const, text })), 200);
    expect(chunks.length).to.be.greaterThan(3);
    expect(chunks.every((c) => c.text.length <= 200)).to.equal(true);
    expect(chunks.map((c) => c.text).join('\n\n')).to.equal(paragraphs.join('\n\n'));
  });
});
