import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { SemanticRetrieval } from '../../src/adapters/knowledge-base/retrieval/semantic-retrieval.js';
import { loadConfig } from '../../src/config/config.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';
import { FakeModelServer } from '../support/fake-model-server.js';

describe('semantic retrieval facade, against fake model servers on port 0', () => {
  let fake: FakeModelServer;
  let dir: string;
  beforeEach(async () => {
    fake = await FakeModelServer.start();
    dir = mkdtempSync(join(tmpdir(), 'semantic-'));
  });
  afterEach(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const build = (env: Record<string, string> = {}, log = new CapturingLogger()) => {
    const config = loadConfig({
      EMBEDDINGS_BASE_URL: fake.url,
      EMBEDDINGS_MODEL: 'bge-m3',
      EMBEDDINGS_BATCH: '3',
      EMBEDDINGS_MAX_RETRIES: '0',
      RERANK_BASE_URL: fake.url,
      RERANK_MODEL: 'bge-reranker-v2-m3',
      ...env,
    });
    return { semantic: SemanticRetrieval.fromConfig(config.semantic, log) as SemanticRetrieval, log };
  };
  const signal = () => new AbortController().signal;
  const items = (texts: string[]) => texts.map((text, i) => ({ key: `p${i}`, text }));
  const texts = ['重置 VPN 密码', '打印机卡纸怎么办', '邮箱容量满了', '申请新电脑', 'Wi-Fi 连不上', '会议室预订'];

  it('when nothing semantic is configured, then there is no facade (retrieval stays lexical)', () => {
    expect(loadConfig({}).semantic.enabled).to.equal(false);
    expect(SemanticRetrieval.fromConfig(loadConfig({}).semantic, new CapturingLogger())).to.equal(undefined);
  });

  it('when an index is built, then the nearest passage of a question is found, and the reranker reorders candidates', async () => {
    const { semantic } = build();
    const progress: number[] = [];
    const { index, report } = await semantic.buildVectorIndex(items(texts), dir, { signal: signal(), onProgress: (p) => progress.push(p.done) });
    expect(report).to.deep.include({ embedded: 6, reused: 0, missing: [] });
    expect(progress.at(-1)).to.equal(6);
    semantic.useIndex(index);
    // The fake's vectors are seeded by model and text, so the same text is its own nearest neighbour.
    const query = await semantic.embedQuery('打印机卡纸怎么办', signal());
    expect(query).to.be.instanceOf(Float32Array);
    expect(semantic.searchVectors(query as Float32Array, 2)[0]?.key).to.equal('p1');
    expect(semantic.searchVectors(query as Float32Array, 2, (key) => key !== 'p1')[0]?.key).not.to.equal('p1');

    const reranked = await semantic.rerank('VPN 密码', [{ id: 'x', text: '打印机' }, { id: 'y', text: '重置 VPN 密码' }], undefined, signal());
    expect(reranked?.map((r) => r.id)).to.deep.equal(['y', 'x']);
    expect(semantic.ready).to.deep.include({ vectors: 6 });
  });

  it('when the service restarts, then the persisted vectors are reused and nothing is re-embedded', async () => {
    await build().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    const before = fake.embeddedTexts().length;
    const { index, report } = await build().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(fake.embeddedTexts().length).to.equal(before);
    expect(report).to.deep.include({ embedded: 0, reused: 6 });
    expect(index?.size).to.equal(6);
  });

  it('when one passage changes, then only it is re-embedded', async () => {
    await build().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    fake.requests.length = 0;
    const changed = [...texts];
    changed[2] = '邮箱容量满了，怎么清理？';
    await build().semantic.buildVectorIndex(items(changed), dir, { signal: signal() });
    expect(fake.embeddedTexts()).to.deep.equal(['邮箱容量满了，怎么清理？']);
  });

  it('when the model changes, then everything is re-embedded and the log says so', async () => {
    await build().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    fake.requests.length = 0;
    const { semantic, log } = build({ EMBEDDINGS_MODEL: 'bge-large-zh-v1.5' });
    await semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(fake.embeddedTexts()).to.have.members(texts);
    expect(log.lines.map((l) => l.message)).to.include('embedding model changed from bge-m3 to bge-large-zh-v1.5: re-embedding 6 items');
  });

  it('when the embeddings server fails mid-indexing, then the rest is missing (not thrown), and a later addItems fills them in', async () => {
    fake.handle = (_r, i) => (i >= 1 ? { status: 503, text: 'down' } : undefined);
    const { semantic, log } = build({ EMBEDDINGS_CONCURRENCY: '1' });
    const { index, report } = await semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(report.embedded).to.equal(3);
    expect(report.missing).to.deep.equal(['p3', 'p4', 'p5']);
    expect(report.error).to.match(/HTTP 503/);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).to.include('embeddings server failed; turns use the lexical path until it is back');
    expect((semantic.ready.embeddings as { state: string }).state).to.equal('down');

    fake.handle = undefined;
    const again = await semantic.addItems(index!, items(texts).filter((i) => report.missing.includes(i.key)), dir, { signal: signal() });
    expect(again).to.deep.include({ embedded: 3, missing: [] });
    expect(index?.size).to.equal(6);
    expect((semantic.ready.embeddings as { state: string }).state).to.equal('up');
    expect(log.lines.map((l) => l.message)).to.include('embeddings server is back; semantic retrieval resumes');
  });

  it('when the servers are down during turns, then the facade returns undefined and logs each outage once, not per turn', async () => {
    const { semantic, log } = build();
    await fake.close();
    for (let i = 0; i < 3; i++) {
      expect(await semantic.embedQuery('VPN', signal())).to.equal(undefined);
      expect(await semantic.rerank('VPN', [{ id: 'a', text: 'VPN' }], 5, signal())).to.equal(undefined);
    }
    const warnings = log.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((l) => l.message)).to.deep.equal([
      'embeddings server failed; turns use the lexical path until it is back',
      'rerank server failed; turns use the lexical path until it is back',
    ]);
    expect(warnings[0]?.fields.error).to.match(/request failed/);
    expect(semantic.ready.rerank).to.deep.include({ state: 'down', failures: 3 });
    fake = await FakeModelServer.start();
  });

  it('when the question embedding is slow or nonsense, then the turn just goes without vectors', async () => {
    const { semantic } = build({ EMBEDDINGS_TIMEOUT_MS: '100' });
    fake.handle = () => ({ delayMs: 4000, json: {} });
    const started = Date.now();
    expect(await semantic.embedQuery('VPN', signal())).to.equal(undefined);
    expect(Date.now() - started).to.be.below(2500);
    fake.handle = () => ({ json: { data: [{ index: 0, embedding: [1, 'NaN'] }] } });
    expect(await semantic.embedQuery('VPN', signal())).to.equal(undefined);
    expect(semantic.ready.embeddings).to.deep.include({ state: 'down' });
    expect((semantic.ready.embeddings as { lastError: string }).lastError).to.match(/not a finite number/);
  });

  it('when the caller aborts, then the facade rethrows the abort instead of degrading', async () => {
    const { semantic } = build();
    fake.handle = () => ({ delayMs: 1000, json: {} });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('hung up')), 30);
    let caught: unknown;
    try {
      await semantic.rerank('q', [{ id: 'a', text: 'b' }], 5, controller.signal);
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal('hung up');
  });

  it('when the question vector has another dimension than the index, then search returns nothing and health says why', async () => {
    const { semantic } = build();
    const { index } = await semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    semantic.useIndex(index);
    expect(semantic.searchVectors(new Float32Array(3), 5)).to.deep.equal([]);
    expect((semantic.ready.embeddings as { lastError: string }).lastError).to.match(/3 dimensions, the index 8/);
  });
  it('when indexing is aborted, then the build rejects with the abort and keeps the batches already paid for', async () => {
    const { semantic } = build({ EMBEDDINGS_CONCURRENCY: '1' });
    fake.handle = (_r, i) => (i >= 1 ? { delayMs: 2000, json: {} } : undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 300);
    let caught: unknown;
    try {
      await semantic.buildVectorIndex(items(texts), dir, { signal: controller.signal });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal('shutting down');
    fake.handle = undefined;
    fake.requests.length = 0;
    const { report } = await build().semantic.buildVectorIndex(items(texts), dir, { signal: signal() });
    expect(report).to.deep.include({ reused: 3, embedded: 3 });
  });
});
