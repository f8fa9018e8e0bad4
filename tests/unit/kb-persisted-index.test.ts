import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reader } from '../../src/adapters/knowledge-base/ingest/blocks.js';
import { defaultReaderFor } from '../../src/adapters/knowledge-base/ingest/default-readers.js';
import { LocalKnowledgeBase } from '../../src/adapters/knowledge-base/local-knowledge-base.adapter.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';

describe('the persisted knowledge index', () => {
  let dir: string;
  let indexDir: string;
  let reads: string[];
  const open: LocalKnowledgeBase[] = [];
  const readerFor = (path: string): Reader | undefined => {
    const reader = defaultReaderFor(path);
    return reader && ((file) => (reads.push(file.path), reader(file)));
  };
  const start = async (log = new CapturingLogger()) => {
    const kb = new LocalKnowledgeBase({ dir, indexDir, topK: 3, passageChars: 800, watchDebounceMs: 0, log, readerFor });
    open.push(kb);
    await kb.whenReady();
    await kb.rebuild(); // the catch-up with the folder that follows a load
    return { kb, log };
  };
  const top = async (kb: LocalKnowledgeBase, q: string) => (await kb.recall({ text: q, businessKeys: [] }, new AbortController().signal)).docs[0]?.docId;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-src-'));
    indexDir = mkdtempSync(join(tmpdir(), 'kb-idx-'));
    reads = [];
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `doc${i}.md`), `# 文档 ${i}\n\n主题词${'甲乙丙丁戊'[i]}：第 ${i} 篇的内容。\n`);
  });
  afterEach(() => {
    for (const kb of open.splice(0)) kb.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(indexDir, { recursive: true, force: true });
  });

  it('when the service restarts with unchanged files, then the index is loaded from disk and no file is read again', async () => {
    await start();
    expect(reads).to.have.length(5);
    reads = [];
    const { kb, log } = await start();
    expect(reads).to.deep.equal([]);
    expect(log.lines.some((l) => l.message === 'knowledge index loaded')).to.equal(true);
    expect(await top(kb, '主题词丙')).to.equal('doc2.md');
    expect(kb.stats()).to.include({ files: 5, passages: 5, lastFilesRead: 0 });
  });

  it('when one file of many changes, one is added and one removed, then only the changed and added ones are read', async () => {
    const { kb } = await start();
    reads = [];
    writeFileSync(join(dir, 'doc1.md'), '# 文档 1\n\n换了内容：打印机卡纸。\n');
    writeFileSync(join(dir, 'new.md'), '# 新文档\n\n新增：无线网络密码。\n');
    unlinkSync(join(dir, 'doc4.md'));
    await kb.rebuild();
    expect(reads.sort()).to.deep.equal(['doc1.md', 'new.md']);
    expect(await top(kb, '打印机卡纸')).to.equal('doc1.md');
    expect(await top(kb, '无线网络密码')).to.equal('new.md');
    expect(await top(kb, '主题词乙')).to.not.equal('doc1.md');
    expect(await top(kb, '主题词戊')).to.not.equal('doc4.md');
    // The unchanged files were not read, and their terms (taken back from the previous index) still find them.
    expect(await top(kb, '主题词丙')).to.equal('doc2.md');
    expect(await top(kb, '第 3 篇')).to.equal('doc3.md');
    expect(kb.stats().files).to.equal(5);
  });

  it('when a file is touched but its content is unchanged, then it is hashed, not read into the index again', async () => {
    const { kb } = await start();
    reads = [];
    const path = join(dir, 'doc0.md');
    writeFileSync(path, readFileSync(path));
    await kb.rebuild();
    expect(reads).to.deep.equal([]);
  });

  it('when a build died half-way (a generation without manifest, a stray CURRENT tmp), then the last complete index is used and the leftovers removed', async () => {
    await start();
    mkdirSync(join(indexDir, 'gen-9999999999999-1'));
    writeFileSync(join(indexDir, 'gen-9999999999999-1', 'passages.json'), '[');
    writeFileSync(join(indexDir, 'CURRENT.1.tmp'), 'gen-9999999999999-1');
    reads = [];
    writeFileSync(join(dir, 'doc3.md'), '# 文档 3\n\n修改后：邮箱配额。\n');
    const { kb } = await start();
    expect(reads).to.deep.equal(['doc3.md']);
    expect(await top(kb, '邮箱配额')).to.equal('doc3.md');
    const left = readdirSync(indexDir);
    expect(left).to.not.include('gen-9999999999999-1');
    expect(left).to.not.include('CURRENT.1.tmp');
    // The new generation and the one it replaced (another process may still be reading it).
    expect(left.filter((e) => e.startsWith('gen-'))).to.have.length(2);
  });

  it('when the current generation is torn (a truncated file), then it is not served: the folder is indexed again', async () => {
    await start();
    const gen = readFileSync(join(indexDir, 'CURRENT'), 'utf8').trim();
    truncateSync(join(indexDir, gen, 'lexical.bin'), 100);
    reads = [];
    const { kb, log } = await start();
    expect(reads).to.have.length(5);
    expect(log.lines.some((l) => l.message === 'persisted knowledge index unreadable; rebuilding')).to.equal(true);
    expect(await top(kb, '主题词丁')).to.equal('doc3.md');
  });

  it('when the index was built with other spelling folds (an older version of the service), then it is not loaded: the folder is indexed again', async () => {
    await start();
    const manifestPath = join(indexDir, readFileSync(join(indexDir, 'CURRENT'), 'utf8').trim(), 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { wording: string };
    expect(manifest.wording).to.match(/^[0-9a-f]{16}$/);
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, wording: 'another-table' }));
    reads = [];
    const { kb, log } = await start();
    expect(reads).to.have.length(5);
    expect(log.lines.some((l) => l.message === 'knowledge index loaded')).to.equal(false);
    expect(await top(kb, '主题词丁')).to.equal('doc3.md');
  });
});
