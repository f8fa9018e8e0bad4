import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LocalKnowledgeBase, type LocalKnowledgeBaseOptions } from '../../src/adapters/knowledge-base/local-knowledge-base.adapter.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';

const NEVER = new AbortController().signal;

/** Many documents about one topic, so a build takes several event-loop turns. */
function manyDocs(topic: string, count: number): string {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({ id: `${topic}-${i}`, title: `${topic} 第${i}篇`, text: `${topic} 的说明，编号 ${i}。`.repeat(20) }),
  ).join('\n');
}

describe('local knowledge base adapter', () => {
  let dir: string;
  let kb: LocalKnowledgeBase | undefined;
  let log: CapturingLogger;
  const open = (extra: Partial<LocalKnowledgeBaseOptions> = {}) =>
    (kb = new LocalKnowledgeBase({ dir, topK: 3, passageChars: 800, watchDebounceMs: 0, log, ...extra }));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-local-'));
    log = new CapturingLogger();
  });
  afterEach(async () => {
    kb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('when asked before the first build is done, then the call waits for it and is answered', async () => {
    await writeFile(join(dir, 'a.md'), '# 打印机\n\n添加打印机的方法');
    const adapter = open();
    expect(adapter.ready()).to.equal(false);
    const result = await adapter.recall({ text: '打印机', businessKeys: [] }, NEVER);
    expect(result.ok).to.equal(true);
    expect(result.docs[0]?.docId).to.equal('a.md');
    expect(adapter.ready()).to.equal(true);
    expect(adapter.stats()).to.include({ documents: 1, passages: 1, skipped: 0 });
    expect(await adapter.health()).to.include({ ok: true });
  });

  it('when a file is broken, then it is logged by name and the rest is still indexed', async () => {
    await writeFile(join(dir, 'good.jsonl'), '{"id":"ok","title":"正常","text":"正常的文档"}\nnot json');
    const adapter = open();
    await adapter.recall({ text: '正常', businessKeys: [] }, NEVER);
    expect(adapter.stats()).to.include({ documents: 1, skipped: 1 });
    const warned = log.lines.filter((l) => l.message === 'knowledge file skipped');
    expect(warned.map((l) => l.fields.file)).to.deep.equal(['good.jsonl:2']);
  });

  it('when the signal is aborted, then recall rejects with its reason', async () => {
    await writeFile(join(dir, 'a.md'), '内容');
    const adapter = open();
    const reason = new Error('gone');
    const outcome = await adapter.recall({ text: '内容', businessKeys: [] }, AbortSignal.abort(reason)).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    expect(outcome).to.equal(reason);
  });

  it('when the folder changes, then the index is rebuilt and the new document is recalled', async () => {
    await writeFile(join(dir, 'a.md'), '# 打印机\n\n添加打印机的方法');
    const adapter = open({ watchDebounceMs: 50 });
    await adapter.recall({ text: '打印机', businessKeys: [] }, NEVER);
    await writeFile(join(dir, 'b.md'), '# 邮箱\n\n邮箱配额扩容');
    let found: string | undefined;
    for (let i = 0; i < 100 && !found; i++) {
      await sleep(50);
      found = (await adapter.recall({ text: '邮箱扩容', businessKeys: [] }, NEVER)).docs[0]?.docId;
    }
    expect(found).to.equal('b.md');
    expect(adapter.stats().documents).to.equal(2);
  });

  it('when calls arrive during a rebuild, then none is dropped and each sees a whole index, old or new', async () => {
    await writeFile(join(dir, 'docs.jsonl'), manyDocs('打印机', 600));
    const adapter = open();
    await adapter.rebuild();
    await writeFile(join(dir, 'docs.jsonl'), manyDocs('邮箱', 600));
    const rebuilt = adapter.rebuild();
    const calls: Promise<{ ok: boolean; topics: Set<string> }>[] = [];
    let done = false;
    void rebuilt.then(() => (done = true));
    while (!done) {
      calls.push(
        adapter.recall({ text: '打印机 邮箱 说明', businessKeys: [] }, NEVER).then((r) => ({
          ok: r.ok,
          topics: new Set(r.docs.map((d) => d.docId.split('-')[0] as string)),
        })),
      );
      await sleep(1);
    }
    const results = await Promise.all(calls);
    expect(results.length).to.be.greaterThan(1, 'the rebuild ended before a second call: make it longer');
    for (const r of results) {
      expect(r.ok).to.equal(true);
      expect(r.topics.size).to.equal(1); // never a mix of the old and the new folder
    }
    expect(results.some((r) => r.topics.has('打印机'))).to.equal(true); // the old index kept serving
    const after = await adapter.recall({ text: '打印机 邮箱 说明', businessKeys: [] }, NEVER);
    expect(new Set(after.docs.map((d) => d.docId.split('-')[0]))).to.deep.equal(new Set(['邮箱']));
  });
});
