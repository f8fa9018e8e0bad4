import { expect } from 'chai';
import { newTraceId } from '../../src/adapters/http/trace-id.js';
import { sendJson } from '../support/sse-client.js';
import { A_QUESTION, startTestService } from '../support/test-service.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('trace ids', () => {
  it('when ids are made, then each is a UUID version 7 carrying the time in its first 48 bits, and none repeats', () => {
    const now = Date.UTC(2026, 11, 3, 18, 0, 0);
    const ids = Array.from({ length: 20_000 }, () => newTraceId(now));
    for (const id of ids.slice(0, 200)) expect(id).to.match(UUID_V7);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(Number.parseInt(ids[0]!.slice(0, 8) + ids[0]!.slice(9, 13), 16)).to.equal(now);
  });

  it('when calls arrive in later milliseconds, then their ids sort in that order (the records key grows at one end)', () => {
    const start = Date.now();
    const ids = Array.from({ length: 1000 }, (_, i) => newTraceId(start + i));
    expect([...ids].sort()).to.deep.equal(ids);
  });

  it('when calls are answered over HTTP, then X-Trace-Id and third_party_trace_id are such ids of the time of the call, in the order of the calls', async () => {
    const service = await startTestService();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const before = Date.now();
        const reply = await sendJson(service.url, '/chat/sync', { body: A_QUESTION });
        const id = reply.headers.get('x-trace-id') ?? '';
        expect(id).to.match(UUID_V7);
        expect((reply.body as { third_party_trace_id?: string }).third_party_trace_id).to.equal(id);
        const at = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
        expect(at).to.be.within(before, Date.now());
        ids.push(id);
        await new Promise((r) => setTimeout(r, 2));
      }
      expect([...ids].sort()).to.deep.equal(ids);
    } finally {
      await service.close();
    }
  });
});
