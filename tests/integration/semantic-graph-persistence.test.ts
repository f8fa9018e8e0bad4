import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DEFAULT_ANN_SETTINGS, loadAnnGraphFactory, type AnnGraphFactory, type AnnGraphSettings } from '../../src/adapters/knowledge-base/retrieval/ann-graph.js';
import { GRAPH_FILE, GRAPH_META_FILE } from '../../src/adapters/knowledge-base/retrieval/graph-file.js';
import { SemanticRetrieval } from '../../src/adapters/knowledge-base/retrieval/semantic-retrieval.js';
import type { VectorIndex } from '../../src/adapters/knowledge-base/retrieval/vector-index.js';
import { loadConfig } from '../../src/config/config.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';
import { FakeModelServer } from '../support/fake-model-server.js';

/** One thread per insert: usearch's concurrent inserts can leave a node unreachable, and these tests compare with an exact scan. */
const SINGLE_THREADED: AnnGraphSettings = { ...DEFAULT_ANN_SETTINGS, addThreads: 1 };

/** The usearch factory, counting the vectors added to its graphs and the graphs loaded from a file. */
function countingFactory(settings: AnnGraphSettings = SINGLE_THREADED): AnnGraphFactory & { added: number; loaded: number } {
  const real = loadAnnGraphFactory(settings);
  if ('error' in real) throw new Error(`usearch did not load: ${real.error}`);
  const counting = {
    settings: real.settings,
    library: real.library,
    added: 0,
    loaded: 0,
    create: (dims: number) => {
      const graph = real.create(dims);
      const add = graph.add.bind(graph);
      graph.add = (ids, vectors) => {
        counting.added += ids.length;
        add(ids, vectors);
      };
      return graph;
    },
    load: (file: string, dims: number) => {
      counting.loaded += 1;
      return real.load(file, dims);
    },
  };
  return counting;
}

describe('semantic retrieval: the vector graph saved beside the vector cache', () => {
  let fake: FakeModelServer;
  let dir: string;
  beforeEach(async () => {
    fake = await FakeModelServer.start();
    fake.dims = 16;
    dir = mkdtempSync(join(tmpdir(), 'semantic-graph-'));
  });
  afterEach(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const signal = () => new AbortController().signal;
  const texts = Array.from({ length: 300 }, (_, n) => `工单 ${n}：${['VPN 连不上', '打印机卡纸', '邮箱满了', '电脑蓝屏', '会议室投影'][n % 5]}，第 ${n % 7} 楼`);
  const items = (list: readonly string[]) => list.map((text, i) => ({ key: `p${i}`, text }));

  /** A restart: a new facade over the same cache folder; exactMaxWork 0 so every search goes through the graph. */
  const start = (graphs = countingFactory(), env: Record<string, string> = {}) => {
    const log = new CapturingLogger();
    const config = loadConfig({ EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'bge-m3', EMBEDDINGS_BATCH: '64', EMBEDDINGS_MAX_RETRIES: '0', ...env });
    const semantic = SemanticRetrieval.fromConfig(config.semantic, log, { graphs, exactMaxWork: 0 }) as SemanticRetrieval;
    return { semantic, graphs, log };
  };

  /** Each probe text, embedded as a question and searched through the graph: its own passage first, and the same top 5 as an exact scan. */
  const expectGraphSearchesExact = async (semantic: SemanticRetrieval, index: VectorIndex, probes: readonly { key: string; text: string }[]) => {
    semantic.useIndex(index);
    for (const { key, text } of probes) {
      const query = (await semantic.embedQuery(text, signal())) as Float32Array;
      const hits = semantic.searchVectors(query, 5);
      expect(hits[0]?.key, text).to.equal(key);
      expect(hits).to.deep.equal(index.exact(query, 5));
    }
  };
  const rebuildReasons = (log: CapturingLogger) => log.lines.filter((l) => l.message === 'vector graph rebuilt from the cached vectors').map((l) => String(l.fields.reason));
  const probes = (list: readonly string[]) => [0, 7, 42, 88, 123, 150, 201, 250, 277, 299].map((i) => ({ key: `p${i}`, text: list[i] as string }));

  it('when the service restarts on an unchanged cache, then the saved graph is loaded, nothing is added to it, and its searches match an exact scan', async () => {
    const first = start();
    const built = await first.semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(built.report.graph).to.deep.equal({ source: 'built', reason: 'no saved graph' });
    expect(first.graphs.added).to.equal(300);
    expect(existsSync(join(dir, GRAPH_FILE)) && existsSync(join(dir, GRAPH_META_FILE))).to.equal(true);
    // Written through temp files renamed into place: none is left behind.
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).to.deep.equal([]);

    const again = start();
    const { index, report } = await again.semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(report).to.deep.include({ embedded: 0, reused: 300, graph: { source: 'loaded' } });
    expect(again.graphs.loaded).to.equal(1);
    expect(again.graphs.added).to.equal(0);
    expect(rebuildReasons(again.log)).to.deep.equal([]);
    expect(again.log.lines.map((l) => l.message)).to.include('vector graph loaded');
    expect(index?.size).to.equal(300);
    await expectGraphSearchesExact(again.semantic, index as VectorIndex, probes(texts));
  });

  it('when a passage changed after the graph was saved, then the graph is updated in place (its old vector removed, the new one added), finds the new text, and is saved again', async () => {
    await start().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    const changed = [...texts];
    changed[123] = '工单 123：新员工的门禁卡还没开通，怎么办';
    const restarted = start();
    const { index, report } = await restarted.semantic.buildVectorIndex(items(changed), dir, { signal: signal() });
    expect(report).to.deep.include({ embedded: 1, graph: { source: 'updated', added: 1, removed: 1 } });
    expect(restarted.graphs.added).to.equal(0); // counts graphs created here: none was
    expect(rebuildReasons(restarted.log)).to.deep.equal([]);
    await expectGraphSearchesExact(restarted.semantic, index as VectorIndex, probes(changed));

    // The same passages in another order: every key now names another vector, but the graph holds the same vectors, matched by content.
    const reordered = start();
    const shuffled = [...changed.slice(150), ...changed.slice(0, 150)];
    const moved = await reordered.semantic.buildVectorIndex(items(shuffled), dir, { signal: signal() });
    expect(moved.report.graph).to.deep.equal({ source: 'loaded' });
    await expectGraphSearchesExact(reordered.semantic, moved.index as VectorIndex, probes(shuffled));

    const third = start();
    const loaded = await third.semantic.buildVectorIndex(items(shuffled), dir, { signal: signal() });
    expect(loaded.report.graph).to.deep.equal({ source: 'loaded' });
    expect(third.graphs.added).to.equal(0);
    await expectGraphSearchesExact(third.semantic, loaded.index as VectorIndex, probes(shuffled));
  });

  it('when the graph file is damaged (same size), then the restart rebuilds it with correct results and warns why', async () => {
    await start().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    const file = join(dir, GRAPH_FILE);
    const bytes = readFileSync(file);
    for (let i = 64; i < bytes.length; i += 97) bytes[i] = (bytes[i] as number) ^ 0xa5;
    writeFileSync(file, bytes);
    const restarted = start();
    const { index, report } = await restarted.semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(report.graph).to.deep.equal({ source: 'built', reason: 'the graph file does not match its checksum (damaged or replaced)' });
    expect(restarted.graphs.loaded).to.equal(0);
    expect(restarted.log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).to.deep.equal(['vector graph rebuilt from the cached vectors']);
    await expectGraphSearchesExact(restarted.semantic, index as VectorIndex, probes(texts));
    // The rebuilt graph replaced the damaged one.
    expect((await start().semantic.buildVectorIndex(items(texts), dir, { signal: signal() })).report.graph).to.deep.equal({ source: 'loaded' });
  });

  it('when the graph file is truncated, then the restart rebuilds it instead of handing it to usearch (which can crash on one)', async () => {
    await start().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    const file = join(dir, GRAPH_FILE);
    const size = statSync(file).size;
    truncateSync(file, Math.floor(size / 2));
    const restarted = start();
    const { index, report } = await restarted.semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(report.graph?.source).to.equal('built');
    expect(report.graph?.reason).to.equal(`the graph file is ${Math.floor(size / 2)} bytes, its metadata says ${size} (truncated or replaced)`);
    expect(restarted.graphs.loaded).to.equal(0);
    await expectGraphSearchesExact(restarted.semantic, index as VectorIndex, probes(texts));
  });

  it('when the metadata is garbage or claims an impossible size, or the graph file is gone, then the restart rebuilds', async () => {
    await start().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    writeFileSync(join(dir, GRAPH_META_FILE), '{"format":1,"fingerprint":');
    const garbled = start();
    const first = await garbled.semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(first.report.graph?.source).to.equal('built');
    expect(first.report.graph?.reason).to.match(/^the graph metadata is unreadable: /);
    await expectGraphSearchesExact(garbled.semantic, first.index as VectorIndex, probes(texts));

    // Metadata that matches the vectors but claims a graph larger than any of 300 vectors can be: not read.
    const meta = JSON.parse(readFileSync(join(dir, GRAPH_META_FILE), 'utf8')) as { bytes: number };
    writeFileSync(join(dir, GRAPH_META_FILE), JSON.stringify({ ...meta, bytes: 2 ** 40 }));
    const oversized = await start().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(oversized.report.graph?.reason).to.match(/^the graph metadata gives 1099511627776 bytes, more than \d+ for 300 vectors$/);

    rmSync(join(dir, GRAPH_FILE));
    const gone = await start().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(gone.report.graph).to.deep.equal({ source: 'built', reason: 'the graph file is missing' });
  });

  it('when the graph settings or the embeddings model change, then the saved graph is not used', async () => {
    await start().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    const other = start(countingFactory({ ...SINGLE_THREADED, connectivity: 8 }));
    const { index, report } = await other.semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(report.graph?.source).to.equal('built');
    expect(report.graph?.reason).to.match(/^the saved graph was built with other settings/);
    expect(other.graphs.loaded).to.equal(0);
    await expectGraphSearchesExact(other.semantic, index as VectorIndex, probes(texts));
    // Only the search-time list length changed: it is not in the saved file, so the graph is reused.
    const wider = await start(countingFactory({ ...SINGLE_THREADED, connectivity: 8, expansionSearch: 256 })).semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(wider.report.graph).to.deep.equal({ source: 'loaded' });

    const model = start(countingFactory({ ...SINGLE_THREADED, connectivity: 8 }), { EMBEDDINGS_MODEL: 'bge-large-zh-v1.5' });
    const remodelled = await model.semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(remodelled.report.graph).to.deep.equal({ source: 'built', reason: 'the saved graph is of another embeddings model or passage prefix' });
    await expectGraphSearchesExact(model.semantic, remodelled.index as VectorIndex, probes(texts));
  });

  it('when a partial build is filled in by addItems, then the graph saved after it is loaded on the next start', async () => {
    fake.handle = (_r, i) => (i >= 2 ? { status: 503, text: 'down' } : undefined);
    const first = start(countingFactory(), { EMBEDDINGS_CONCURRENCY: '1' });
    const { index, report } = await first.semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(report.missing).to.have.length(300 - 128);
    fake.handle = undefined;
    await first.semantic.addItems(index as VectorIndex, items(texts).filter((i) => report.missing.includes(i.key)), dir, { signal: signal() });

    // The next start lists the items in their own order (p0..p299), which is the order the ids were given in.
    const restarted = start();
    const again = await restarted.semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(again.report.graph).to.deep.equal({ source: 'loaded' });
    expect(restarted.graphs.added).to.equal(0);
    await expectGraphSearchesExact(restarted.semantic, again.index as VectorIndex, probes(texts));
  });
});
