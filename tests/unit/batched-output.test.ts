import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { BatchedOutput } from '../../src/adapters/logging/batched-output.js';

const run = promisify(execFile);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A target that keeps each write it is handed. */
function target() {
  const writes: string[] = [];
  return { writes, write: (chunk: string) => writes.push(chunk) };
}

/** Runs `body` in a child process whose logger writes to the real stdout; resolves with its stdout. */
async function childOutput(body: string): Promise<string> {
  const script = `
    import { WinstonLogger } from ${JSON.stringify(new URL('../../src/adapters/logging/winston-logger.adapter.ts', import.meta.url).pathname)};
    const log = new WinstonLogger({ level: 'info', format: 'json' });
    ${body}
  `;
  const child = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 20_000 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  return child.stdout;
}

describe('BatchedOutput (log lines written once per turn of the event loop)', () => {
  it('when several lines are written in one turn, then the target gets them in one write, in order, after the turn', async () => {
    const out = target();
    const batched = new BatchedOutput(out);
    batched.write('a\n');
    batched.write('b\n');
    batched.write('c\n');
    expect(out.writes).to.deep.equal([]);
    await nextTurn();
    expect(out.writes).to.deep.equal(['a\nb\nc\n']);
    batched.write('d\n');
    await nextTurn();
    expect(out.writes).to.deep.equal(['a\nb\nc\n', 'd\n']);
  });

  it('when the pending lines reach the size bound, then they are written at once', () => {
    const out = target();
    const batched = new BatchedOutput(out, 10);
    batched.write('12345\n');
    expect(out.writes).to.deep.equal([]);
    batched.write('67890\n');
    expect(out.writes).to.deep.equal(['12345\n67890\n']);
  });

  it('when the stream is ended, then what is pending is written', async () => {
    const out = target();
    const batched = new BatchedOutput(out);
    batched.end('last\n');
    await new Promise((resolve) => batched.on('finish', resolve));
    expect(out.writes).to.deep.equal(['last\n']);
  });

  it('when the process exits in the same turn as it logged, then every line still reaches stdout', async () => {
    const stdout = await childOutput(`for (let i = 0; i < 3; i++) log.info('line ' + i); process.exit(0);`);
    expect(stdout.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { message: string }).message)).to.deep.equal(['line 0', 'line 1', 'line 2']);
  });

  it('when an uncaught exception ends the process, then the lines logged before it reach stdout', async () => {
    const stdout = await childOutput(`log.info('before the crash'); throw new Error('boom');`);
    expect(stdout).to.include('before the crash');
  });
});
