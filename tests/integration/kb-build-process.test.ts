import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildProgress } from '../../src/adapters/knowledge-base/index/index-builder.js';
import { IndexBuildProcess } from '../../src/adapters/knowledge-base/index/index-build-process.js';
import { IndexStore } from '../../src/adapters/knowledge-base/index/index-store.js';
import { LocalKnowledgeBase, type LocalKnowledgeBaseOptions } from '../../src/adapters/knowledge-base/local-knowledge-base.adapter.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';

const NEVER = new AbortController().signal;

/** The default readers: every build runs in its own process (`index-build.child.ts`), the service only loads what it wrote. */
describe('index builds in their own process', function () {
  this.timeout(60_000);
  let dir: string;
  let indexDir: string;
  const open: LocalKnowledgeBase[] = [];
  const start = (extra: Partial<LocalKnowledgeBaseOptions> = {}, log = new CapturingLogger()) => {
    const kb = new LocalKnowledgeBase({ dir, indexDir, topK: 3, passageChars: 800, watchDebounceMs: 0, log, ...extra });
    open.push(kb);
    return { kb, log };
  };
  const top = async (kb: LocalKnowledgeBase, q: string) => (await kb.recall({ text: q, businessKeys: [] }, NEVER)).docs[0]?.docId;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-proc-'));
    indexDir = mkdtempSync(join(tmpdir(), 'kb-proc-idx-'));
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `doc${i}.md`), `# 文档 ${i}\n\n主题词${'甲乙丙丁'[i]}：第 ${i} 篇。\n`);
  });
  afterEach(() => {
    for (const kb of open.splice(0)) kb.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(indexDir, { recursive: true, force: true });
  });

  it('when the folder is built and one file changes, then the progress reaches the caller, the index is served, and only that file is read again', async () => {
    const seen: BuildProgress[] = [];
    const { kb, log } = start({ onProgress: (p) => seen.push(p) });
    await kb.whenReady();
    expect(await top(kb, '主题词丙')).to.equal('doc2.md');
    expect(seen.at(-1)).to.include({ filesDone: 4, filesTotal: 4, filesRead: 4, passages: 4 });
    expect(log.lines.some((l) => l.message === 'knowledge index built')).to.equal(true);
    writeFileSync(join(dir, 'doc1.md'), '# 文档 1\n\n换了内容：投影仪连不上。\n');
    await kb.rebuild();
    expect(kb.stats()).to.include({ files: 4, passages: 4, lastFilesRead: 1 });
    expect(await top(kb, '投影仪连不上')).to.equal('doc1.md');
    expect(await top(kb, '主题词丁'), 'a reused file').to.equal('doc3.md');
  });

  it('when the build process falls silent, then it is killed, the failure is logged and the index in use stays', async () => {
    const { kb } = start();
    await kb.whenReady();
    writeFileSync(join(dir, 'new.md'), '# 新\n\n新增：会议室预订。\n');
    // The first build's process is gone; a second instance on the same folder, whose builds may not be silent for 1 ms.
    const log = new CapturingLogger();
    const impatient = start({ buildStallMs: 1 }, log).kb;
    await impatient.whenReady(); // served from disk, then the catch-up fails
    await impatient.rebuild();
    const failed = log.lines.filter((l) => l.message === 'knowledge index build failed');
    expect(failed.length).to.be.at.least(1);
    expect(String(failed[0]?.fields.error)).to.match(/silent for 0 s; killed/);
    expect(impatient.ready()).to.equal(true);
    expect(impatient.stats().files, 'the index from disk, without new.md').to.equal(4);
  });

  it('when a file takes longer to read than the file timeout, then it is skipped with that reason and the build completes', async () => {
    const { kb, log } = start({ fileTimeoutMs: 1 });
    await kb.whenReady();
    // A thread cannot even start in 1 ms: every file is given up on, its thread replaced, and the build still ends.
    expect(kb.stats()).to.include({ files: 4, passages: 0, skipped: 4 });
    expect(kb.problems().map((p) => p.reason)).to.deep.equal(Array(4).fill('reading took longer than 1 ms; skipped'));
    expect(log.lines.filter((l) => l.message === 'knowledge file skipped')).to.have.length(4);
  });

  it('when a build process is stopped (the service closing), then it is killed at once and nothing it did not finish becomes current', async () => {
    for (let f = 0; f < 30; f++) {
      const rows = Array.from({ length: 200 }, (_, r) => JSON.stringify({ id: `f${f}-${r}`, text: `工单 ${f}-${r}：${'打印机、邮箱与域账号的常见问题。'.repeat(6)}` }));
      writeFileSync(join(dir, `part-${f}.jsonl`), `${rows.join('\n')}\n`);
    }
    let midway: () => void = () => undefined;
    const readingFiles = new Promise<void>((r) => (midway = r));
    const build = new IndexBuildProcess({
      request: { dir, indexDir, passageChars: 800, limits: { maxFileBytes: 1 << 20, maxFiles: 1000 }, progressEveryMs: 0, fileTimeoutMs: 60_000 },
      onProgress: (p) => p.filesDone < p.filesTotal && midway(),
      stallMs: 30_000,
    });
    await readingFiles; // stopped while files are being read
    const stoppedAt = Date.now();
    build.stop();
    const outcome = await build.done.then(() => 'done', (e: Error) => e.message);
    expect(outcome).to.equal('index build stopped');
    expect(Date.now() - stoppedAt).to.be.below(2000);
    expect(() => process.kill(build.pid as number, 0)).to.throw(/ESRCH/);
    expect(await new IndexStore(indexDir).load(dir)).to.equal(undefined);
  });
});
