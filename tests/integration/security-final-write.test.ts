import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SseWriter } from '../../src/adapters/http/sse-writer.js';

describe('security: the slow-reader limit covers the final frame', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('when the final frame does not fit a reader that stopped reading, then the socket is destroyed within the limit and the stream counted closed', async () => {
    let opened = 0;
    let closed = 0;
    const observer = { opened: () => opened++, closed: () => closed++ };
    server = createServer((_req, res) => {
      const writer = new SseWriter(res, 300, { observer });
      writer.open();
      // Far more than the loopback socket buffers hold: most of it stays in the process.
      writer.finish(`event:delta\ndata:${'x'.repeat(32 * 1024 * 1024)}\n\n`);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.on('error', () => undefined);
    const began = Date.now();
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    socket.pause(); // never read
    // The server's side of the stream closes (its response socket destroyed), whatever the reader does.
    while (closed === 0 && Date.now() - began < 5000) await new Promise((r) => setTimeout(r, 20));
    const after = Date.now() - began;
    socket.destroy();
    expect(opened).to.equal(1);
    expect(closed, 'the server closed the stream').to.equal(1);
    expect(after).to.be.below(3000);
  });
});
