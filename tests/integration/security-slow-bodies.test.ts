import { connect, type Socket } from 'node:net';
import { expect } from 'chai';
import { startTestService, type TestService } from '../support/test-service.js';

/** Opens a raw socket to the service and collects what it sends until it closes. */
function rawSocket(url: string): { socket: Socket; closed: Promise<{ text: string; afterMs: number }> } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const began = Date.now();
  let text = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const closed = new Promise<{ text: string; afterMs: number }>((resolve) => socket.on('close', () => resolve({ text, afterMs: Date.now() - began })));
  socket.on('error', () => undefined);
  return { socket, closed };
}

const HEAD = (length: number) =>
  `POST /chat/sync HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('security: a request that never finishes arriving is dropped', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when a body stops half way, then the socket is answered 408 (JSON) and closed within REQUEST_TIMEOUT_MS', async () => {
    service = await startTestService({ REQUEST_TIMEOUT_MS: '1500' });
    const { socket, closed } = rawSocket(service.url);
    socket.write(HEAD(100) + '{"user":"u",');
    const { text, afterMs } = await closed;
    expect(afterMs).to.be.below(4000);
    expect(text).to.match(/^HTTP\/1.1 408/);
    expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).to.include({ code: 40800 });
  });

  it('when a body drips one byte a few times a second, then it is still dropped at the bound', async () => {
    service = await startTestService({ REQUEST_TIMEOUT_MS: '1500' });
    const { socket, closed } = rawSocket(service.url);
    socket.write(HEAD(1000));
    const drip = setInterval(() => socket.writable && socket.write(' '), 300);
    try {
      const { afterMs } = await closed;
      expect(afterMs).to.be.below(4000);
    } finally {
      clearInterval(drip);
    }
  });

  it('when Node refuses a request itself (headers too large, duplicate Content-Length), then the reply is the protocol JSON error', async () => {
    service = await startTestService();
    const big = rawSocket(service.url);
    big.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`);
    const bigReply = await big.closed;
    expect(bigReply.text).to.match(/^HTTP\/1.1 431/);
    expect(JSON.parse(bigReply.text.slice(bigReply.text.indexOf('\r\n\r\n') + 4))).to.include({ code: 43100 });
    const dup = rawSocket(service.url);
    dup.socket.write('POST /chat/sync HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}');
    const dupReply = await dup.closed;
    expect(dupReply.text).to.match(/^HTTP\/1.1 400/);
    const body = JSON.parse(dupReply.text.slice(dupReply.text.indexOf('\r\n\r\n') + 4));
    expect(body.code).to.equal(40000);
    expect(body.third_party_trace_id).to.be.a('string').and.not.equal('');
  });
});
