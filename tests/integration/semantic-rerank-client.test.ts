import { expect } from 'chai';
import { RerankClient, type RerankClientOptions } from '../../src/adapters/knowledge-base/retrieval/rerank-client.js';
import type { RemoteCallError } from '../../src/adapters/knowledge-base/retrieval/remote-call.js';
import { FakeModelServer } from '../support/fake-model-server.js';

describe('rerank client, against a fake server on port 0', () => {
  let fake: FakeModelServer;
  beforeEach(async () => {
    fake = await FakeModelServer.start();
  });
  afterEach(async () => fake.close());

  const client = (over: Partial<RerankClientOptions> = {}) => new RerankClient({ baseUrl: fake.url, model: 'bge-reranker-v2-m3', apiKey: 'rk-secret-9876', format: 'jina', timeoutMs: 1000, ...over });
  const docs = ['打印机 卡纸', '如何 重置 VPN 密码', 'VPN 连接 失败'];
  const rejection = async (promise: Promise<unknown>): Promise<RemoteCallError> => {
    try {
      await promise;
    } catch (error) {
      return error as RemoteCallError;
    }
    throw new Error('expected a rejection');
  };

  it('when the format is jina, then it sends model, query, documents and top_n and reads relevance_score, best first', async () => {
    const scores = await client().rerank('VPN 密码', docs, 2, new AbortController().signal);
    const [call] = fake.seen('/v1/rerank');
    expect(call?.body).to.deep.equal({ model: 'bge-reranker-v2-m3', query: 'VPN 密码', documents: docs, top_n: 2 });
    expect(call?.headers.authorization).to.equal('Bearer rk-secret-9876');
    expect(scores.map((s) => s.index)).to.deep.equal([1, 2]);
    expect(scores[0]?.score).to.be.greaterThan(scores[1]?.score ?? 1);
  });

  it('when the format is tei, then it sends query and texts and reads a bare array of {index, score}', async () => {
    const scores = await client({ format: 'tei', model: undefined }).rerank('VPN 密码', docs, 3, new AbortController().signal);
    const [call] = fake.seen('/v1/rerank');
    expect(call?.body.texts).to.deep.equal(docs);
    expect(call?.body).not.to.have.property('documents');
    expect(scores.map((s) => s.index)).to.deep.equal([1, 2, 0]);
  });

  const malformed: [string, unknown, RegExp][] = [
    ['no results array', { data: [] }, /reply\.results is not an array/],
    ['an index out of range', { results: [{ index: 7, relevance_score: 0.5 }] }, /index is 7, not 0\.\.2/],
    ['a repeated index', { results: [{ index: 1, relevance_score: 0.5 }, { index: 1, relevance_score: 0.4 }] }, /index 1 appears twice/],
    ['a score that is not a number', { results: [{ index: 1, relevance_score: 'high' }] }, /relevance_score is "high", not a finite number/],
    ['more rows than documents', { results: [0, 1, 2, 3].map((index) => ({ index, relevance_score: 1 })) }, /4 rows for 3 documents/],
  ];
  for (const [what, json, message] of malformed) {
    it(`when the reply has ${what}, then it is refused with a clear error`, async () => {
      fake.handle = () => ({ json });
      const error = await rejection(client().rerank('q', docs, 3, new AbortController().signal));
      expect(error.kind).to.equal('malformed');
      expect(error.message).to.match(message);
    });
  }

  it('when the reply is far larger than scores for these documents can be, then it is refused unread', async () => {
    fake.handle = () => ({ text: JSON.stringify({ results: [], padding: 'x'.repeat(5_000_000) }) });
    // A generous time bound: on a loaded machine the 1 s default could fire before the size bound does.
    expect((await rejection(client({ timeoutMs: 15_000 }).rerank('q', docs, 3, new AbortController().signal))).kind).to.equal('too_large');
  });

  it('when the server is slower than RERANK_TIMEOUT_MS, then it fails as a timeout', async () => {
    fake.handle = () => ({ delayMs: 4000, json: { results: [] } });
    const started = Date.now();
    expect((await rejection(client({ timeoutMs: 100 }).rerank('q', docs, 3, new AbortController().signal))).kind).to.equal('timeout');
    expect(Date.now() - started).to.be.below(2500);
  });

  it('when there is nothing to rerank, then no request is made', async () => {
    expect(await client().rerank('q', [], 5, new AbortController().signal)).to.deep.equal([]);
    expect(fake.requests).to.have.length(0);
  });
});
