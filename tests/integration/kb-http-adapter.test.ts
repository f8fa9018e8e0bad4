import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpKnowledgeBase } from '../../src/adapters/knowledge-base/http-knowledge-base.adapter.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A fake Dify external-knowledge server on 127.0.0.1:0 that records each request. */
async function fakeRetrieval(handler: Handler): Promise<{ url: string; server: Server; seen: { req: IncomingMessage; body: string }[]; closed: Promise<void> }> {
  const seen: { req: IncomingMessage; body: string }[] = [];
  let onClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (onClosed = resolve));
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ req, body });
      res.on('close', onClosed);
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen, closed };
}

const RECORDS = {
  records: [
    { content: '第二段', score: 0.5, title: '乙', metadata: { doc_id: 'b', space_id: 'hr' } },
    { content: '第一段', score: 0.9, title: '甲', metadata: { doc_id: 'a', url: 'https://example.invalid/a', space_id: 'it' } },
    { content: '第三段', score: 0.7, title: '丙', metadata: {} },
  ],
};

describe('HTTP (Dify external knowledge) knowledge base', () => {
  let fake: Awaited<ReturnType<typeof fakeRetrieval>>;
  let log: CapturingLogger;
  const adapter = (extra: { timeoutMs?: number } = {}) =>
    new HttpKnowledgeBase({ url: `${fake.url}/`, apiKey: 'k-123', knowledgeId: 'kb-1', topK: 3, minScore: 0.2, timeoutMs: 2000, log, ...extra });
  const ask = (kb: HttpKnowledgeBase, signal = new AbortController().signal, businessKeys: string[] = []) =>
    kb.recall({ text: '怎么请假', businessKeys }, signal);

  beforeEach(() => (log = new CapturingLogger()));
  afterEach(() => {
    fake.server.closeAllConnections();
    fake.server.close();
  });

  it('when the API answers, then the request follows the contract and records become scored docs, best first', async () => {
    fake = await fakeRetrieval((_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(RECORDS)));
    const result = await ask(adapter());
    const { req, body } = fake.seen[0]!;
    expect(req.method).to.equal('POST');
    expect(req.url).to.equal('/retrieval');
    expect(req.headers.authorization).to.equal('Bearer k-123');
    expect(req.headers['content-type']).to.include('application/json');
    expect(JSON.parse(body)).to.deep.equal({ knowledge_id: 'kb-1', query: '怎么请假', retrieval_setting: { top_k: 3, score_threshold: 0.2 } });
    expect(result.ok).to.equal(true);
    expect(result.docs.map((d) => d.docId)).to.deep.equal(['a', '丙', 'b']);
    expect(result.docs[0]).to.deep.equal({ docId: 'a', spaceId: 'it', title: '甲', url: 'https://example.invalid/a', score: 0.9, content: '第一段' });
  });

  it('when business keys are given, then records of other spaces are dropped and records without a space kept', async () => {
    fake = await fakeRetrieval((_req, _body, res) => res.writeHead(200).end(JSON.stringify(RECORDS)));
    const result = await ask(adapter(), undefined, ['hr']);
    expect(result.docs.map((d) => d.docId)).to.deep.equal(['丙', 'b']);
  });

  it('when the API streams a reply without end, then reading stops past 8 MiB and recall degrades with a warning', async () => {
    let written = 0;
    fake = await fakeRetrieval((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && written < 200 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (!res.destroyed && written < 200 * 1024 * 1024) res.once('drain', pump);
      };
      res.write('{"records":[');
      pump();
    });
    const result = await ask(adapter({ timeoutMs: 20_000 }));
    expect(result).to.deep.equal({ docs: [], ok: false });
    expect(written).to.be.below(100 * 1024 * 1024); // stopped reading long before the server stopped writing
    expect(log.lines.find((l) => l.level === 'warn')?.fields?.error).to.match(/larger than 8388608 bytes/);
  });

  it('when the API answers 500, then recall degrades to no documents with ok false and a warning', async () => {
    fake = await fakeRetrieval((_req, _body, res) => res.writeHead(500).end('{"error_code":2001,"error_msg":"boom"}'));
    expect(await ask(adapter())).to.deep.equal({ docs: [], ok: false });
    expect(log.lines.find((l) => l.level === 'warn')?.fields.error).to.include('HTTP 500').and.include('2001');
  });

  it('when the API does not answer in time, then recall degrades and the request is abandoned', async () => {
    fake = await fakeRetrieval(() => undefined); // never replies
    const started = Date.now();
    expect(await ask(adapter({ timeoutMs: 150 }))).to.deep.equal({ docs: [], ok: false });
    expect(Date.now() - started).to.be.below(5000);
    expect(log.lines.find((l) => l.level === 'warn')?.fields.error).to.include('150 ms');
    await fake.closed; // the adapter hung up on the stuck server
  });

  for (const [name, reply] of [
    ['not JSON', 'hello'],
    ['records missing', '{"items":[]}'],
    ['a record without content', '{"records":[{"score":0.5,"title":"x"}]}'],
    ['a score that is not a number', '{"records":[{"content":"x","score":"high","title":"x"}]}'],
  ] as const) {
    it(`when the reply is malformed (${name}), then recall degrades to no documents`, async () => {
      fake = await fakeRetrieval((_req, _body, res) => res.writeHead(200).end(reply));
      expect(await ask(adapter())).to.deep.equal({ docs: [], ok: false });
      expect(log.lines.find((l) => l.level === 'warn')?.fields.error).to.include('malformed');
    });
  }

  it('when the caller hangs up, then recall rejects with the reason and the upstream request is cancelled', async () => {
    fake = await fakeRetrieval(() => undefined);
    const caller = new AbortController();
    const pending = ask(adapter(), caller.signal).then(() => 'resolved', (e: unknown) => e);
    while (fake.seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    const reason = new Error('caller hung up');
    caller.abort(reason);
    expect(await pending).to.equal(reason);
    await fake.closed;
    expect(log.lines.filter((l) => l.level === 'warn')).to.deep.equal([]);
  });
});
