import { expect } from 'chai';
import { EmbeddingsClient, type EmbeddingsClientOptions } from '../../src/adapters/knowledge-base/retrieval/embeddings-client.js';
import { RemoteCallError } from '../../src/adapters/knowledge-base/retrieval/remote-call.js';
import { FakeModelServer } from '../support/fake-model-server.js';

const KEY = 'sk-test-secret-123456';

describe('embeddings client, against a fake server on port 0', () => {
  let fake: FakeModelServer;
  beforeEach(async () => {
    fake = await FakeModelServer.start();
  });
  afterEach(async () => fake.close());

  const client = (over: Partial<EmbeddingsClientOptions> = {}) =>
    new EmbeddingsClient({ baseUrl: fake.url, model: 'bge-m3', apiKey: KEY, batchSize: 4, concurrency: 2, queryTimeoutMs: 2000, batchTimeoutMs: 2000, retry: { baseDelayMs: 10 }, ...over });
  const signal = () => new AbortController().signal;
  const rejection = async (promise: Promise<unknown>): Promise<Error> => {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a rejection');
  };

  it('when passages are embedded, then they go in batches of EMBEDDINGS_BATCH with the model, float encoding, key and passage prefix', async () => {
    const texts = Array.from({ length: 10 }, (_, i) => `passage ${i}`);
    const vectors = await client({ passagePrefix: 'passage:' }).embedPassages(texts, signal());
    const calls = fake.seen('/v1/embeddings');
    expect(calls.map((c) => (c.body.input as string[]).length)).to.have.members([4, 4, 2]);
    expect(calls[0]?.body.model).to.equal('bge-m3');
    expect(calls[0]?.body.encoding_format).to.equal('float');
    expect(calls[0]?.headers.authorization).to.equal(`Bearer ${KEY}`);
    expect(fake.embeddedTexts()).to.include('passage: passage 7');
    expect(vectors).to.have.length(10);
    for (const v of vectors) {
      expect(v).to.be.instanceOf(Float32Array);
      expect(Math.hypot(...v)).to.be.closeTo(1, 1e-5);
    }
  });

  it('when many batches are queued, then no more than EMBEDDINGS_CONCURRENCY requests are in flight', async () => {
    fake.defaultDelayMs = 40;
    await client({ batchSize: 1, concurrency: 3 }).embedPassages(Array.from({ length: 12 }, (_, i) => `t${i}`), signal());
    expect(fake.seen('/v1/embeddings')).to.have.length(12);
    expect(fake.maxInFlight).to.equal(3);
  });

  it('when the server answers 429 with Retry-After: 1, then the batch is sent again after about a second', async () => {
    fake.handle = (_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' }, json: { error: 'slow down' } } : undefined);
    const vectors = await client().embedPassages(['a'], signal());
    const [first, second] = fake.seen('/v1/embeddings');
    expect(vectors).to.have.length(1);
    expect((second?.at ?? 0) - (first?.at ?? 0)).to.be.within(950, 2500);
  });

  it('when Retry-After is an HTTP date, then it is honoured too', async () => {
    fake.handle = (_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': new Date(Date.now() + 1500).toUTCString() }, json: {} } : undefined);
    await client().embedPassages(['a'], signal());
    const [first, second] = fake.seen('/v1/embeddings');
    expect((second?.at ?? 0) - (first?.at ?? 0)).to.be.within(400, 2500);
  });

  it('when Retry-After asks for an hour, then the wait is capped', async () => {
    fake.handle = (_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '3600' }, json: {} } : undefined);
    const started = Date.now();
    await client({ retry: { baseDelayMs: 10, maxDelayMs: 200 } }).embedPassages(['a'], signal());
    expect(Date.now() - started).to.be.below(2000);
  });

  it('when the server answers 503 twice, then the batch is retried and succeeds; a 400 is not retried', async () => {
    fake.handle = (_r, i) => (i < 2 ? { status: 503, text: 'overloaded' } : undefined);
    expect(await client().embedPassages(['a', 'b'], signal())).to.have.length(2);
    expect(fake.seen('/v1/embeddings')).to.have.length(3);

    fake.requests.length = 0;
    fake.handle = () => ({ status: 400, json: { error: 'bad input' } });
    const error = await rejection(client().embedPassages(['a'], signal()));
    expect(error).to.be.instanceOf(RemoteCallError);
    expect((error as RemoteCallError).kind).to.equal('http_4xx');
    expect(fake.seen('/v1/embeddings')).to.have.length(1);
  });

  it('when the retries are spent, then the error names the status, and the echoed key is masked', async () => {
    fake.handle = (r) => ({ status: 500, text: `upstream said: ${String(r.headers.authorization)}` });
    const error = await rejection(client({ retry: { maxRetries: 2, baseDelayMs: 5 } }).embedPassages(['a'], signal()));
    expect(fake.seen('/v1/embeddings')).to.have.length(3);
    expect(error.message).to.match(/embeddings server: HTTP 500/);
    expect(error.message).not.to.include(KEY);
  });

  const malformed: [string, (inputs: string[]) => unknown, RegExp][] = [
    ['no data array', () => ({ result: [] }), /no "data" array/],
    ['too few embeddings', () => ({ data: [{ index: 0, embedding: [1, 2] }] }), /1 embeddings for 2 inputs/],
    ['inconsistent dimensions', () => ({ data: [{ index: 0, embedding: [1, 2] }, { index: 1, embedding: [1, 2, 3] }] }), /3 dimensions, expected 2/],
    ['a repeated index', () => ({ data: [{ index: 0, embedding: [1, 2] }, { index: 0, embedding: [1, 2] }] }), /index 0 appears twice/],
    ['an index out of range', () => ({ data: [{ index: 0, embedding: [1, 2] }, { index: 5, embedding: [1, 2] }] }), /index is 5, not 0\.\.1/],
    ['a non-number', () => ({ data: [{ index: 0, embedding: [1, null] }, { index: 1, embedding: [1, 2] }] }), /embedding\[1\] is null, not a finite number/],
    ['a base64 string', () => ({ data: [{ index: 0, embedding: 'AAAA' }, { index: 1, embedding: 'AAAA' }] }), /is a string \(base64\?\)/],
    ['a zero vector', () => ({ data: [{ index: 0, embedding: [0, 0] }, { index: 1, embedding: [1, 2] }] }), /zero vector/],
  ];
  for (const [what, reply, message] of malformed) {
    it(`when the reply has ${what}, then it is refused with a clear error and not retried`, async () => {
      fake.handle = (r) => ({ json: reply(r.body.input as string[]) });
      const error = await rejection(client().embedPassages(['a', 'b'], signal()));
      expect((error as RemoteCallError).kind).to.equal('malformed');
      expect(error.message).to.match(message);
      expect(fake.seen('/v1/embeddings')).to.have.length(1);
    });
  }

  it('when the reply is not JSON, then the error says so', async () => {
    fake.handle = () => ({ text: '<html>gateway</html>' });
    expect((await rejection(client().embedQuery('q', signal()))).message).to.match(/not JSON/);
  });

  it('when a later batch has another dimension than the first, then it is refused', async () => {
    const c = client();
    await c.embedQuery('first', signal());
    fake.dims = 16;
    expect((await rejection(c.embedQuery('second', signal()))).message).to.match(/16 dimensions, expected 8/);
  });

  it('when the reply is far larger than a vector reply can be, then reading stops at the bound', async () => {
    fake.handle = () => ({ text: `{"data":[{"index":0,"embedding":[${'1,'.repeat(2_000_000)}1]}]}` });
    const error = await rejection(client().embedQuery('q', signal()));
    expect((error as RemoteCallError).kind).to.equal('too_large');
  });

  it('when the server does not answer within the timeout, then the query fails as a timeout, without retry', async () => {
    fake.handle = () => ({ delayMs: 4000, json: {} });
    const started = Date.now();
    const error = await rejection(client({ queryTimeoutMs: 150 }).embedQuery('q', signal()));
    expect((error as RemoteCallError).kind).to.equal('timeout');
    expect(Date.now() - started).to.be.below(2500);
    expect(fake.seen('/v1/embeddings')).to.have.length(1);
  });

  it('when the caller aborts, then the abort reason comes through, not a remote error', async () => {
    fake.handle = () => ({ delayMs: 2000, json: {} });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('caller hung up')), 50);
    const error = await rejection(client().embedPassages(['a'], controller.signal));
    expect(error.message).to.equal('caller hung up');
  });

  it('when nothing listens, then the failure is a connection error', async () => {
    await fake.close();
    const error = await rejection(client({ retry: { maxRetries: 0 } }).embedQuery('q', signal()));
    expect((error as RemoteCallError).kind).to.equal('connect');
    fake = await FakeModelServer.start();
  });
});
