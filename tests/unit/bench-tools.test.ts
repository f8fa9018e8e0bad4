import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFloorServer } from '../../bench/floor-server.js';
import { SseFrameReader } from '../../bench/sse-frame-reader.js';
import { percentile } from '../../bench/stats.js';
import { runStreams } from '../../bench/stream-load.js';

const BODY = JSON.stringify({ user: 'u', msg_type: 'text', content: 'q' });

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('bench tools (the floor server and the stream load generator)', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
  });

  it('when the floor streams a 5-piece answer to 20 streams, 8 at a time, then every stream gets 6 frames and none fails', async () => {
    server = createFloorServer({ delayMs: 2, answer: 'ab界🙂e' });
    const url = await listen(server);
    const records = await runStreams({ url: `${url}/chat`, body: BODY, total: 20, concurrency: 8, timeoutMs: 10_000, expectedAnswer: 'ab界🙂e' });
    expect(records).to.have.length(20);
    expect(records.filter((r) => !r.ok).map((r) => r.error)).to.deep.equal([]);
    expect(records.every((r) => r.frames === 6 && r.ttffMs > 0 && r.durationMs >= r.ttffMs)).to.equal(true);
  });

  it('when streams start, then each records when its request went out, after request() and before its first frame', async () => {
    // The floor pauses 30 ms before the first piece: the first frame comes well after the send.
    server = createFloorServer({ delayMs: 30, answer: 'ab' });
    const url = await listen(server);
    const records = await runStreams({ url: `${url}/chat`, body: BODY, total: 6, concurrency: 3, timeoutMs: 10_000 });
    expect(records.filter((r) => !r.ok)).to.deep.equal([]);
    for (const r of records) {
      expect(r.sendDelayMs).to.be.at.least(0);
      expect(r.ttffMs - r.sendDelayMs).to.be.at.least(25);
    }
  });

  it('when the floor answers /chat/sync, then the reply has the protocol fields and the mock answer', async () => {
    server = createFloorServer({ delayMs: 0, answer: 'Q: {question}' });
    const url = await listen(server);
    const res = await fetch(`${url}/chat/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
    const reply = (await res.json()) as Record<string, unknown>;
    expect(reply).to.include({ code: 0, err_msg: '', msg_content: 'Q: q', is_recall_success: 1 });
    expect(reply.third_party_trace_id).to.equal(res.headers.get('x-trace-id'));
  });

  it('when a stream ends without its finished:true frame, then the load generator counts it as failed', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.end('event:delta\ndata:{"response":"a","finished":false}\n\n');
    });
    const url = await listen(server);
    const [record] = await runStreams({ url, body: BODY, total: 1, concurrency: 1, timeoutMs: 5_000 });
    expect(record?.ok).to.equal(false);
    expect(record?.error).to.match(/finished:true/);
  });

  it('when a frame and a multi-byte character are split across chunks, then the reader still yields whole frames', () => {
    const bytes = Buffer.from('event:delta\ndata:{"response":"界","finished":false}\n\n: keep-alive\n\nevent:delta\ndata:{"response":"","finished":true}\n\n');
    const reader = new SseFrameReader();
    const frames = [...bytes].flatMap((byte) => reader.push(Uint8Array.of(byte)));
    expect(frames).to.deep.equal([{ response: '界', finished: false }, { response: '', finished: true }]);
    expect(reader.hasPartialFrame).to.equal(false);
  });

  it('when taking nearest-rank percentiles, then p50 and p99 of 1..100 are 50 and 99', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 99), percentile([], 50)]).to.deep.equal([50, 99, Number.NaN]);
  });
});
