import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { WinstonLogger } from '../../src/adapters/logging/winston-logger.adapter.js';

/** A JSON logger writing into a buffer, and the lines it wrote so far. */
function jsonLogger(level: 'debug' | 'info' = 'info') {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const log = new WinstonLogger({ level, format: 'json', stream });
  const lines = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { log, lines };
}

describe('WinstonLogger (JSON lines)', () => {
  it('when a line is logged, then it is one JSON object with level, message, timestamp and the fields', async () => {
    const { log, lines } = jsonLogger();
    log.info('call', { traceId: 't-1', status: 200, route: '/chat/sync' });
    const [line] = await lines();
    expect(line).to.include({ level: 'info', message: 'call', traceId: 't-1', status: 200, route: '/chat/sync' });
    expect(Date.parse(line!.timestamp as string)).to.be.closeTo(Date.now(), 5000);
  });

  it('when a field cannot be plain JSON (a BigInt, a cycle), then the line is still written', async () => {
    const { log, lines } = jsonLogger();
    const cycle: Record<string, unknown> = { name: 'loop' };
    cycle.self = cycle;
    log.warn('odd fields', { traceId: 't-2', big: 10n, cycle });
    const [line] = await lines();
    expect(line).to.include({ level: 'warn', message: 'odd fields', traceId: 't-2', big: '10' });
    expect(line!.cycle).to.deep.equal({ name: 'loop', self: '[Circular]' });
  });

  it('when a line is below the level, then nothing is written', async () => {
    const { log, lines } = jsonLogger('info');
    log.debug('hidden', { traceId: 't-3' });
    log.error('shown', { traceId: 't-3' });
    expect((await lines()).map((l) => l.message)).to.deep.equal(['shown']);
  });
});
