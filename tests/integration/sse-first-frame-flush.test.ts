import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SseWriter } from '../../src/adapters/http/sse-writer.js';

/**
 * Node's `res.write` corks the socket until the next tick, so frames written
 * in one go leave in one `writev`. For the first frame that is a cost: when a
 * model's first tokens arrive together with the rest of its answer, the
 * whole turn (every frame, the final one, the record) would run before the
 * first byte went out.
 */
describe('SSE writer: the first frame leaves at once', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('when a stream writes its first frame and then more in the same tick, then the first is on the socket before the next is written, and the later ones still go out together', async () => {
    const pending: number[] = [];
    server = createServer((_req, res) => {
      const writer = new SseWriter(res, 5000);
      writer.open();
      writer.write('event:delta\ndata:{"response":"一"}\n\n');
      pending.push(res.socket?.writableLength ?? -1);
      writer.write('event:delta\ndata:{"response":"二"}\n\n');
      writer.write('event:delta\ndata:{"response":"三"}\n\n');
      pending.push(res.socket?.writableLength ?? -1);
      writer.finish('event:delta\ndata:{"response":"","finished":true}\n\n');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const reply = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const text = await reply.text();
    expect(text.match(/"response":"[^"]*"/g)).to.deep.equal(['"response":"一"', '"response":"二"', '"response":"三"', '"response":""']);
    expect(pending[0], 'bytes of the first frame still in the process').to.equal(0);
    expect(pending[1], 'the next frames wait for the tick, together').to.be.above(0);
  });
});
