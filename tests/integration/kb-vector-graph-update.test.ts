import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { vectorItems } from '../../src/adapters/knowledge-base/retrieval/hybrid-search.js';
import { SemanticRetrieval } from '../../src/adapters/knowledge-base/retrieval/semantic-retrieval.js';
import { LocalKnowledgeBase } from '../../src/adapters/knowledge-base/local-knowledge-base.adapter.js';
import type { KnowledgeIndex } from '../../src/adapters/knowledge-base/index/knowledge-index.js';
import { loadConfig } from '../../src/config/config.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';
import { FakeModelServer } from '../support/fake-model-server.js';
import { spyingAnnFactory } from '../support/spying-ann-factory.js';

/** A multiset difference of the texts embedded for two generations: what the second has that the first had not. */
const newTexts = (before: KnowledgeIndex, after: KnowledgeIndex) => {
  const left = new Map<string, number>();
  for (const { text } of vectorItems(before)) left.set(text, (left.get(text) ?? 0) + 1);
  return vectorItems(after).filter(({ text }) => {
    const n = left.get(text) ?? 0;
    left.set(text, n - 1);
    return n <= 0;
  }).length;
};

describe('knowledge base: a changed file updates the vector graph, it does not rebuild it', function () {
  this.timeout(60_000);
  let fake: FakeModelServer;
  let dir: string;
  let indexDir: string;
  let kb: LocalKnowledgeBase | undefined;
  beforeEach(async () => {
    fake = await FakeModelServer.start();
    fake.dims = 16;
    dir = mkdtempSync(join(tmpdir(), 'kb-graph-update-'));
    indexDir = mkdtempSync(join(tmpdir(), 'kb-graph-update-idx-'));
  });
  afterEach(async () => {
    kb?.close();
    kb = undefined;
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(indexDir, { recursive: true, force: true });
  });

  const page = (n: number, topic: string) => Array.from({ length: 4 }, (_, s) => `## ${topic} 第 ${s} 节\n\n文档 ${n} 的 ${topic} 说明，第 ${s} 节的内容。`).join('\n\n');
  const vectorsReady = async (log: CapturingLogger, count: number) => {
    for (let i = 0; i < 400 && log.lines.filter((l) => l.message === 'knowledge vectors ready').length < count; i++) await sleep(25);
    const ready = log.lines.filter((l) => l.message === 'knowledge vectors ready');
    expect(ready, 'vectors ready').to.have.length(count);
    return ready[count - 1]?.fields as { graph?: unknown; embedded: number };
  };

  it('when a file is added, one changed and one removed, then the next generation updates the saved graph with only their passages', async () => {
    for (let n = 0; n < 30; n++) writeFileSync(join(dir, `doc-${String(n).padStart(2, '0')}.md`), `# 文档 ${n}\n\n${page(n, ['VPN', '打印机', '邮箱'][n % 3] as string)}\n`);
    const log = new CapturingLogger();
    const graphs = spyingAnnFactory();
    const config = loadConfig({ EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'bge-m3', EMBEDDINGS_MAX_RETRIES: '0' });
    const semantic = SemanticRetrieval.fromConfig(config.semantic, log, { graphs, exactMaxWork: 0 }) as SemanticRetrieval;
    kb = new LocalKnowledgeBase({ dir, indexDir, topK: 3, passageChars: 800, watchDebounceMs: 0, log, semantic });
    await kb.whenReady();
    expect((await vectorsReady(log, 1)).graph).to.deep.equal({ source: 'built', reason: 'no saved graph' });
    const before = kb.index() as KnowledgeIndex;
    const firstAdded = graphs.addedIds.length;
    expect(firstAdded).to.equal(vectorItems(before).length);

    writeFileSync(join(dir, 'aaa-new.md'), `# 新文件\n\n${page(99, '门禁卡')}\n`); // sorts first: every later key shifts
    writeFileSync(join(dir, 'doc-10.md'), `# 文档 10\n\n${page(10, '会议室')}\n`);
    unlinkSync(join(dir, 'doc-20.md'));
    await kb.rebuild();
    const ready = await vectorsReady(log, 2);
    const after = kb.index() as KnowledgeIndex;
    const fresh = newTexts(before, after);
    const gone = newTexts(after, before);
    expect(fresh).to.be.greaterThan(0);
    expect(ready.graph).to.deep.equal({ source: 'updated', added: fresh, removed: gone });
    expect(ready.embedded).to.equal(fresh);
    expect(graphs.created, 'graphs built from empty').to.equal(1);
    expect(graphs.addedIds.length - firstAdded, 'vectors added by the update').to.equal(fresh);
  });
});
