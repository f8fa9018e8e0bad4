import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { joinPrefix } from '../../src/adapters/knowledge-base/retrieval/embeddings-client.js';
import { boundedText, parseRetryAfter } from '../../src/adapters/knowledge-base/retrieval/remote-call.js';
import { VectorCache } from '../../src/adapters/knowledge-base/retrieval/vector-cache.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { configuredSecrets, SecretMasker } from '../../src/config/redact.js';

describe('semantic settings', () => {
  it('when nothing is set, then semantic retrieval is off with documented defaults', () => {
    const { semantic } = loadConfig({});
    expect(semantic).to.deep.include({ enabled: false, embeddings: undefined, rerank: undefined });
    expect(semantic.fusion).to.deep.equal({ lexicalWeight: 1, vectorWeight: 1, k: 60 });
  });

  it('when embeddings and a TEI reranker are set, then both are built; FUSION_WEIGHTS is read as lexical,vector', () => {
    const { semantic } = loadConfig({
      EMBEDDINGS_BASE_URL: 'http://tei:8080/v1',
      EMBEDDINGS_MODEL: 'BAAI/bge-m3',
      EMBEDDINGS_QUERY_PREFIX: 'query: ',
      RERANK_BASE_URL: 'http://tei-rerank:8080',
      RERANK_FORMAT: 'tei',
      FUSION_WEIGHTS: '1, 2.5',
    });
    expect(semantic.enabled).to.equal(true);
    expect(semantic.embeddings).to.deep.include({ model: 'BAAI/bge-m3', queryPrefix: 'query:', batchSize: 32, concurrency: 2 });
    expect(semantic.rerank).to.deep.include({ format: 'tei', topN: 20, minScore: 0.1, faqDirectScore: 0.85 });
    expect(semantic.fusion).to.deep.include({ lexicalWeight: 1, vectorWeight: 2.5 });
  });

  it('when settings contradict each other, then each problem is named', () => {
    try {
      loadConfig({ EMBEDDINGS_BASE_URL: 'http://x/v1', RERANK_BASE_URL: 'http://y', FUSION_WEIGHTS: 'lexical', RERANK_FORMAT: 'cohere' });
      expect.fail('expected a ConfigError');
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).to.match(/FUSION_WEIGHTS/);
      expect(problems).to.match(/RERANK_FORMAT/);
    }
    expect(() => loadConfig({ EMBEDDINGS_BASE_URL: 'http://x/v1', RERANK_BASE_URL: 'http://y' })).to.throw(/EMBEDDINGS_MODEL: is required[\s\S]*RERANK_MODEL: is required/);
    expect(() => loadConfig({ RERANK_BASE_URL: 'http://y', RERANK_MODEL: 'm', RERANK_MIN_SCORE: '0.9', RERANK_FAQ_DIRECT_SCORE: '0.5' })).to.throw(/RERANK_FAQ_DIRECT_SCORE=0.5/);
  });

  it('when API keys are set, then they are configured secrets: masked in logs, hidden in start-up errors', () => {
    const config = loadConfig({ EMBEDDINGS_BASE_URL: 'http://x/v1', EMBEDDINGS_MODEL: 'm', EMBEDDINGS_API_KEY: 'emb-key-abcdef', RERANK_BASE_URL: 'http://y', RERANK_MODEL: 'r', RERANK_API_KEY: 'rr-key-123456' });
    const masker = new SecretMasker(configuredSecrets(config));
    expect(masker.mask('keys emb-key-abcdef and rr-key-123456')).to.equal('keys *** and ***');
    let message = '';
    try {
      loadConfig({ EMBEDDINGS_BASE_URL: 'ftp://user:hunter2@models.example/v1', EMBEDDINGS_MODEL: 'm' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/EMBEDDINGS_BASE_URL=/);
    expect(message).not.to.include('hunter2');
  });
});

describe('semantic helpers', () => {
  it('Retry-After: seconds, an HTTP date, junk', () => {
    expect(parseRetryAfter('2')).to.equal(2000);
    expect(parseRetryAfter('0.5')).to.equal(500);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).to.equal(6000);
    expect(parseRetryAfter(new Date(1_000).toUTCString(), 4_000)).to.equal(0);
    expect(parseRetryAfter('soon')).to.equal(undefined);
    expect(parseRetryAfter(null)).to.equal(undefined);
  });

  it('prefixes: an ASCII ending gets its space back (settings are trimmed), CJK punctuation does not', () => {
    expect(joinPrefix('query:', 'VPN')).to.equal('query: VPN');
    expect(joinPrefix('为这个句子生成表示以用于检索相关文章：', 'VPN')).to.equal('为这个句子生成表示以用于检索相关文章：VPN');
    expect(joinPrefix('', 'VPN')).to.equal('VPN');
  });

  it('a streamed reply without Content-Length is cut at the bound, and the stream is cancelled', async () => {
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    let message = '';
    try {
      await boundedText(new Response(stream), 1024 * 1024, 'embeddings server');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.equal('embeddings server: reply larger than the 1048576-byte bound');
    expect(pulled).to.be.below(40);
    expect(cancelled).to.equal(true);
  });
});

describe('vector cache', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vector-cache-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when vectors are stored and the file reopened, then they come back bit for bit; a wrong size counts as missing', () => {
    const key = VectorCache.keyOf('bge-m3', '', '打印机');
    const vector = Float32Array.from([0.1, -0.2, 0.3]);
    const cache = VectorCache.open(dir);
    cache.putMany([{ key, vector }]);
    cache.close();
    const again = VectorCache.open(dir);
    expect([...(again.getMany([key]).get(key) ?? [])]).to.deep.equal([...vector]);
    expect(again.getMany([key], 4).size).to.equal(0);
    again.close();
  });

  it('keys differ by model, prefix and text, and cannot run together', () => {
    const keys = new Set([VectorCache.keyOf('m', '', 'ab'), VectorCache.keyOf('m2', '', 'ab'), VectorCache.keyOf('m', 'query:', 'ab'), VectorCache.keyOf('m', 'a', 'b'), VectorCache.keyOf('m', '', 'abc')]);
    expect(keys.size).to.equal(5);
  });

  it('prune keeps only the keys of the latest full build; the model last seen is remembered', () => {
    const cache = VectorCache.open(dir);
    const keys = ['a', 'b', 'c'].map((t) => VectorCache.keyOf('m', '', t));
    cache.putMany(keys.map((key) => ({ key, vector: new Float32Array([1, 0]) })));
    expect(cache.prune([keys[0] as string, keys[2] as string])).to.equal(1);
    expect(cache.count).to.equal(2);
    expect(cache.getMany(keys).has(keys[1] as string)).to.equal(false);
    expect(cache.noteModel('m')).to.equal(undefined);
    expect(cache.noteModel('m2')).to.equal('m');
    expect(cache.lastModel()).to.equal('m2');
    cache.close();
  });
});
