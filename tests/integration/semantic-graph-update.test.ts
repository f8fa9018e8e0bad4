import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { AnnGraph } from '../../src/adapters/knowledge-base/retrieval/ann-graph.js';
import { GRAPH_ENTRIES_FILE, GRAPH_FILE } from '../../src/adapters/knowledge-base/retrieval/graph-file.js';
import { SemanticRetrieval } from '../../src/adapters/knowledge-base/retrieval/semantic-retrieval.js';
import type { VectorIndex } from '../../src/adapters/knowledge-base/retrieval/vector-index.js';
import { loadConfig } from '../../src/config/config.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';
import { FakeModelServer } from '../support/fake-model-server.js';
import { spyingAnnFactory } from '../support/spying-ann-factory.js';

describe('semantic retrieval: a changed knowledge folder updates the saved vector graph in place', () => {
  let fake: FakeModelServer;
  let dir: string;
  beforeEach(async () => {
    fake = await FakeModelServer.start();
    fake.dims = 16;
    dir = mkdtempSync(join(tmpdir(), 'semantic-graph-update-'));
  });
  afterEach(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const signal = () => new AbortController().signal;
  /** A folder of 40 files of 8 passages each, by path. */
  const folder = (): Map<string, string[]> =>
    new Map(Array.from({ length: 40 }, (_, f) => [`doc-${String(f).padStart(2, '0')}.md`, Array.from({ length: 8 }, (_, p) => `文档 ${f} 第 ${p} 段：${['VPN', '打印机', '邮箱', '蓝屏'][(f + p) % 4]}`)]));
  /** The items as `vectorItems` makes them: passages of the files in path order, keyed by position (`p<i>`), so a file added early shifts every later key. */
  const itemsOf = (files: Map<string, string[]>) =>
    [...files.keys()]
      .sort()
      .flatMap((path) => files.get(path) as string[])
      .map((text, i) => ({ key: `p${i}`, text }));

  const start = (graphs = spyingAnnFactory()) => {
    const log = new CapturingLogger();
    const config = loadConfig({ EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'bge-m3', EMBEDDINGS_BATCH: '64', EMBEDDINGS_MAX_RETRIES: '0' });
    const semantic = SemanticRetrieval.fromConfig(config.semantic, log, { graphs, exactMaxWork: 0 }) as SemanticRetrieval;
    return { semantic, graphs, log };
  };
  const build = async (service: ReturnType<typeof start>, files: Map<string, string[]>) => {
    const { index, report } = await service.semantic.buildVectorIndex(itemsOf(files), dir, { signal: signal() });
    service.semantic.useIndex(index);
    return { index: index as VectorIndex, report };
  };
  const queryOf = async (service: ReturnType<typeof start>, text: string) => (await service.semantic.embedQuery(text, signal())) as Float32Array;
  /** Every item searched by its own text through the graph (exactMaxWork 0): its own key first, and the top 5 an exact scan gives. */
  const expectEveryItemFound = async (service: ReturnType<typeof start>, index: VectorIndex, files: Map<string, string[]>) => {
    for (const { key, text } of itemsOf(files)) {
      const query = await queryOf(service, text);
      const hits = service.semantic.searchVectors(query, 5);
      expect(hits[0]?.key, text).to.equal(key);
      expect(hits).to.deep.equal(index.exact(query, 5));
    }
  };
  /** One file added before all the others, one changed, one removed: 8 passages in, 8 changed, 8 out. */
  const changedFolder = () => {
    const files = folder();
    files.set('aaa-new.md', Array.from({ length: 8 }, (_, p) => `新文件 第 ${p} 段：门禁卡`));
    files.set('doc-10.md', Array.from({ length: 8 }, (_, p) => `改过的文档 10 第 ${p} 段：会议室`));
    files.delete('doc-20.md');
    return files;
  };
  const goneTexts = () => [...(folder().get('doc-10.md') as string[]), ...(folder().get('doc-20.md') as string[])];
  const rebuildWarnings = (log: CapturingLogger) => log.lines.filter((l) => l.level === 'warn' && l.message === 'vector graph rebuilt from the cached vectors').map((l) => String(l.fields.reason));

  it('when one file is added, one changed and one removed, then the saved graph is loaded and only those passages are removed and added (no graph built), and the new ones are found', async () => {
    const first = start();
    expect((await build(first, folder())).report.graph).to.deep.equal({ source: 'built', reason: 'no saved graph' });
    expect(first.graphs.addedIds).to.have.length(320);

    const restarted = start();
    const { index, report } = await build(restarted, changedFolder());
    expect(report).to.deep.include({ embedded: 16, reused: 304, graph: { source: 'updated', added: 16, removed: 16 } });
    expect(restarted.graphs.created).to.equal(0);
    expect(restarted.graphs.loaded).to.equal(1);
    // Only the 16 new passages went into the graph, under ids never used before; the 16 gone ones came out.
    expect(restarted.graphs.addedIds).to.have.length(16);
    expect(Math.min(...restarted.graphs.addedIds)).to.be.at.least(320);
    expect(restarted.graphs.removedIds).to.have.length(16);
    expect(index.size).to.equal(320);
    expect(index.graph?.size).to.equal(320);
    // Every passage, those whose key moved by 8 included, is found by its text.
    await expectEveryItemFound(restarted, index, changedFolder());
  });

  it('when passages were removed or changed, then their old graph ids are never returned, by the graph or by a search for their old text', async () => {
    await build(start(), folder());
    const restarted = start();
    const { index } = await build(restarted, changedFolder());
    const removed = new Set(restarted.graphs.removedIds);
    expect(removed.size).to.equal(16);
    const graph = index.graph as AnnGraph;
    for (const text of goneTexts()) {
      const query = await queryOf(restarted, text);
      // Asked for more candidates than the graph holds: a removed id would be among them.
      expect(graph.candidates(query, 400).filter((id) => removed.has(id)), text).to.deep.equal([]);
      // No item carries the old vector any more: nothing scores as the text itself would.
      const hits = restarted.semantic.searchVectors(query, 5);
      expect(hits).to.have.length(5);
      expect(hits[0]?.score ?? 1, text).to.be.below(0.99);
      expect(hits).to.deep.equal(index.exact(query, 5));
    }
    expect([...index.graphEntries()].filter(({ id }) => removed.has(id))).to.deep.equal([]);
  });

  it('when the service restarts after an update, then the updated graph is loaded as saved: nothing added, removed or built', async () => {
    await build(start(), folder());
    expect((await build(start(), changedFolder())).report.graph?.source).to.equal('updated');
    const restarted = start();
    const { index, report } = await build(restarted, changedFolder());
    expect(report).to.deep.include({ embedded: 0, graph: { source: 'loaded' } });
    expect([restarted.graphs.created, restarted.graphs.loaded, restarted.graphs.addedIds.length, restarted.graphs.removedIds.length]).to.deep.equal([0, 1, 0, 0]);
    expect(restarted.log.lines.map((l) => l.message)).to.include('vector graph loaded');
    await expectEveryItemFound(restarted, index, changedFolder());
  });

  it('when the entries file is damaged, truncated or missing, then the changed folder gets a full rebuild (with a warning), never a crash, and correct results', async () => {
    await build(start(), folder());
    const updated = await build(start(), changedFolder());
    expect(updated.report.graph?.source).to.equal('updated');
    const entries = join(dir, GRAPH_ENTRIES_FILE);
    const damage: [string, () => void, RegExp][] = [
      [
        'a flipped byte',
        () => {
          const bytes = readFileSync(entries);
          bytes[45] = (bytes[45] as number) ^ 0x01;
          writeFileSync(entries, bytes);
        },
        /^the graph entries file does not match its fingerprint/,
      ],
      ['truncated', () => truncateSync(entries, 100), /^the graph entries file is 100 bytes, 12520 expected for 313 vectors/],
      ['missing', () => rmSync(entries), /^the graph entries file is missing$/],
    ];
    let files = changedFolder();
    for (const [what, spoil, reason] of damage) {
      spoil();
      // Another file changed: without the entries the update cannot know which ids to take out.
      files = new Map(files).set('doc-30.md', [`${what} 之后改的文档 30：打印机`]);
      const restarted = start();
      const { index, report } = await build(restarted, files);
      expect(report.graph?.source, what).to.equal('built');
      expect(report.graph?.reason, what).to.match(reason);
      expect(rebuildWarnings(restarted.log), what).to.have.length(1);
      expect([restarted.graphs.loaded, restarted.graphs.created], what).to.deep.equal([0, 1]);
      expect(restarted.graphs.addedIds, what).to.have.length(index.size);
      await expectEveryItemFound(restarted, index, files);
    }
    // The rebuilt graph and its entries were saved: the next change is an update again.
    const next = await build(start(), new Map(files).set('doc-31.md', ['文档 31 改了：邮箱']));
    expect(next.report.graph).to.deep.equal({ source: 'updated', added: 1, removed: 8 });
  });

  it('when the graph file is damaged after an update, then the next change rebuilds it in full rather than updating it', async () => {
    await build(start(), folder());
    expect((await build(start(), changedFolder())).report.graph?.source).to.equal('updated');
    const file = join(dir, GRAPH_FILE);
    const bytes = readFileSync(file);
    for (let i = 64; i < bytes.length; i += 97) bytes[i] = (bytes[i] as number) ^ 0xa5;
    writeFileSync(file, bytes);
    const files = new Map(changedFolder()).set('doc-30.md', ['改过的文档 30：打印机']);
    const restarted = start();
    const { index, report } = await build(restarted, files);
    expect(report.graph).to.deep.equal({ source: 'built', reason: 'the graph file does not match its checksum (damaged or replaced)' });
    expect(restarted.graphs.loaded).to.equal(0);
    expect(rebuildWarnings(restarted.log)).to.have.length(1);
    await expectEveryItemFound(restarted, index, files);
  });

  it('when the library refuses the in-place update (a loaded graph whose add throws), then the graph is rebuilt in full with a warning, and the vectors still serve', async () => {
    await build(start(), folder());
    const spy = spyingAnnFactory();
    const load = spy.load;
    spy.load = (file, dims) => {
      const graph = load(file, dims);
      graph.add = () => {
        throw new Error('Duplicate keys not allowed');
      };
      return graph;
    };
    const restarted = start(spy);
    const { index, report } = await build(restarted, changedFolder());
    expect(report.graph).to.deep.equal({ source: 'built', reason: 'updating the saved graph in place failed: Duplicate keys not allowed' });
    expect(rebuildWarnings(restarted.log)).to.have.length(1);
    expect([spy.loaded, spy.created]).to.deep.equal([1, 1]);
    await expectEveryItemFound(restarted, index, changedFolder());
  });

  it('when more than a quarter of the passages changed at once, or updates removed a quarter in all since the last build, then the graph is rebuilt in full', async () => {
    await build(start(), folder());
    // 6 files of 8 passages: 48 out and 48 in, more than 80 (a quarter of 320).
    const many = folder();
    for (let f = 0; f < 6; f++) many.set(`doc-0${f}.md`, Array.from({ length: 8 }, (_, p) => `大改 ${f}.${p}`));
    const big = await build(start(), many);
    expect(big.report.graph).to.deep.equal({ source: 'built', reason: '48 vectors to remove and 48 to add, more than a quarter of 320' });

    // One file at a time: each update removes 8 in place; the eleventh would make 88 since the rebuild.
    let files = many;
    const sources: string[] = [];
    for (let round = 0; round < 11; round++) {
      files = new Map(files).set(`doc-${10 + round}.md`, Array.from({ length: 8 }, (_, p) => `第 ${round} 轮 ${p}`));
      const service = start();
      const { index, report } = await build(service, files);
      sources.push(report.graph?.source as string);
      // After nine updates (72 removed in place, their slots taken by new vectors) the graph still finds every item.
      if (round === 9) await expectEveryItemFound(service, index, files);
      if (round === 10) {
        expect(report.graph?.reason).to.equal('88 vectors removed in place since the graph was built, more than a quarter of 320');
        await expectEveryItemFound(service, index, files);
      }
    }
    expect(sources).to.deep.equal([...Array(10).fill('updated'), 'built']);
  });
});
