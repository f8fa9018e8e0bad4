import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeModelServer } from '../support/fake-model-server.js';
import { startTestService, type TestService } from '../support/test-service.js';

/** Concepts the fake embedding model "understands": texts sharing one get the same direction. */
const CONCEPTS: [RegExp, number][] = [
  [/VPN|远程|在家|公司网络|内网/, 0],
  [/打印|墨盒|卡纸/, 1],
  [/邮箱|邮件/, 2],
];
const embed = (text: string): number[] => {
  const v = [0, 0, 0, 0.05];
  for (const [re, dim] of CONCEPTS) if (re.test(text)) v[dim] = 1;
  return v;
};

describe('semantic retrieval fused with the lexical index (embeddings by configuration)', function () {
  this.timeout(60_000);
  let fake: FakeModelServer;
  let dir: string;
  let service: TestService | undefined;

  const ask = async (content: string) => {
    const r = await fetch(`${service!.url}/chat/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content, user: 'u', msg_type: 'text' }) });
    const reply = (await r.json()) as { recall_docs: { doc_id: string; score: number }[] };
    return { ...reply, foundBy: r.headers.get('x-answer-found-by') };
  };
  const untilVectors = async () => {
    for (let i = 0; i < 100 && !service!.logLines().some((l) => l.message === 'knowledge vectors ready'); i++) await sleep(50);
  };

  before(async () => {
    fake = await FakeModelServer.start();
    fake.handle = (req) => (req.path.endsWith('/embeddings') ? { json: { data: (req.body.input as string[]).map((t, index) => ({ index, embedding: embed(t) })) } } : undefined);
    dir = mkdtempSync(join(tmpdir(), 'kb-hybrid-'));
    writeFileSync(join(dir, 'vpn.md'), '# 远程接入\n\n安装 EasyConnect 客户端，用域账号登录后即可访问 OA。\n');
    writeFileSync(join(dir, 'printer.md'), '# 打印机\n\n卡纸时打开前盖取出纸张。\n');
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });
  after(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a question shares no words with the page but means the same, then the vector side finds it', async () => {
    const env = { KB_PROVIDER: 'local', KB_DIR: dir, LLM_PROVIDER: 'extractive', EXTRACTIVE_DELAY_MS: '0', KB_MIN_SCORE: '0.3' };
    // Lexical only: nothing of "在家连不上公司网络" is in the folder.
    service = await startTestService(env);
    expect((await ask('在家连不上公司网络')).recall_docs).to.deep.equal([]);
    await service.close();
    service = await startTestService({ ...env, EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'bge-m3' });
    await ask('预热'); // waits for the index
    await untilVectors();
    const found = await ask('在家连不上公司网络');
    expect(found.recall_docs[0]?.doc_id).to.equal('vpn.md');
    expect(found.foundBy).to.equal('vector');
    expect((await ask('打印机卡纸怎么办')).foundBy).to.equal('both');
    const ready = JSON.stringify(await (await fetch(`${service.url}/ready`)).json());
    expect(ready).to.match(/embeddings up, rerank off, \d+ vectors in use/);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).to.match(/yishiting_bot_semantic_model_up\{model="embeddings"\} 1/);
    expect(metrics).to.match(/yishiting_bot_semantic_vectors [1-9]/);
    expect(metrics).to.match(/yishiting_bot_answers_found_by_total\{found_by="vector"\} 1/);
    expect(metrics).to.match(/yishiting_bot_answers_found_by_total\{found_by="both"\} 1/);
    expect(metrics).to.match(/yishiting_bot_kb_index_size\{kind="passages"\} 2/);
    expect(fake.seen('/v1/embeddings').length).to.be.greaterThan(1); // the passages, then the questions
  });

  it('when the embedding server is down during a turn, then the turn is answered from the lexical index', async () => {
    service = await startTestService({ KB_PROVIDER: 'local', KB_DIR: dir, LLM_PROVIDER: 'extractive', EXTRACTIVE_DELAY_MS: '0', EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'bge-m3' });
    await ask('预热');
    await untilVectors();
    const working = fake.handle;
    fake.handle = () => ({ status: 503, json: { error: 'down' } });
    const found = await ask('打印机卡纸怎么办');
    fake.handle = working;
    expect(found.recall_docs[0]?.doc_id).to.equal('printer.md');
    const metrics = await (await fetch(`${service!.url}/metrics`)).text();
    expect(metrics).to.match(/yishiting_bot_semantic_model_up\{model="embeddings"\} 0/);
    expect(metrics).to.match(/yishiting_bot_semantic_model_failures_total\{model="embeddings"\} [1-9]/);
    expect(found.foundBy).to.equal('lexical');
  });

  it('when a reranker is configured, then it reorders the candidates and its score is the score the thresholds read', async () => {
    const saved = fake.handle;
    // A reranker that prefers the printer page for anything.
    fake.handle = (req) =>
      req.path.endsWith('/rerank')
        ? { json: { results: (req.body.documents as string[]).map((d, index) => ({ index, relevance_score: d.includes('卡纸') ? 0.91 : 0.12 })) } }
        : saved?.(req, 0);
    service = await startTestService({ KB_PROVIDER: 'local', KB_DIR: dir, LLM_PROVIDER: 'extractive', EXTRACTIVE_DELAY_MS: '0', RERANK_BASE_URL: fake.url, RERANK_MODEL: 'bge-reranker-v2-m3', RERANK_MIN_SCORE: '0.5' });
    const found = await ask('EasyConnect 客户端和打印机');
    fake.handle = saved;
    expect(found.recall_docs.map((d) => [d.doc_id, d.score])).to.deep.equal([['printer.md', 0.91]]); // the VPN page, 0.12, is under RERANK_MIN_SCORE
    expect(found.foundBy).to.equal('lexical+reranked');
    expect(fake.seen('/v1/rerank').length).to.be.greaterThan(0);
  });

  it('when the reranker scores on a scale below KB_MIN_SCORE, then RERANK_MIN_SCORE alone decides (the lexical threshold does not cut reranked documents)', async () => {
    const saved = fake.handle;
    fake.handle = (req) =>
      req.path.endsWith('/rerank')
        ? { json: { results: (req.body.documents as string[]).map((d, index) => ({ index, relevance_score: d.includes('卡纸') ? 0.2 : 0.01 })) } }
        : saved?.(req, 0);
    service = await startTestService({ KB_PROVIDER: 'local', KB_DIR: dir, LLM_PROVIDER: 'extractive', EXTRACTIVE_DELAY_MS: '0', RERANK_BASE_URL: fake.url, RERANK_MODEL: 'bge-reranker-v2-m3', RERANK_MIN_SCORE: '0.1', RERANK_FAQ_DIRECT_SCORE: '0.9', KB_MIN_SCORE: '0.3' });
    const found = await ask('打印机卡纸怎么办');
    fake.handle = saved;
    expect((found as { is_recall_success?: number }).is_recall_success).to.equal(1);
    expect(found.recall_docs.map((d) => [d.doc_id, d.score])).to.deep.equal([['printer.md', 0.2]]);
  });

  it('when the service restarts with unchanged files, then nothing is embedded again and the vectors are in use', async () => {
    const indexDir = mkdtempSync(join(tmpdir(), 'kb-hybrid-idx-'));
    const env = { KB_PROVIDER: 'local', KB_DIR: dir, KB_INDEX_DIR: indexDir, LLM_PROVIDER: 'extractive', EXTRACTIVE_DELAY_MS: '0', EMBEDDINGS_BASE_URL: fake.url, EMBEDDINGS_MODEL: 'bge-m3' };
    service = await startTestService(env);
    await ask('预热');
    await untilVectors();
    await service.close();
    const before = fake.seen('/v1/embeddings').length;
    service = await startTestService(env);
    await untilVectors();
    expect(fake.seen('/v1/embeddings').length).to.equal(before); // passages and questions all came from the cache
    expect((await ask('在家连不上公司网络')).recall_docs[0]?.doc_id).to.equal('vpn.md');
    expect(fake.seen('/v1/embeddings').length).to.equal(before + 1); // the question only
    rmSync(indexDir, { recursive: true, force: true });
  });
});
