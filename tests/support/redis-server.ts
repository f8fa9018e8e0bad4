import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';

/** A Redis for one test file: its URL, a key prefix of its own, and (when the test started it) stop/start. */
export interface TestRedis {
  readonly url: string;
  /** Unique per call, so tests sharing one Redis never see each other's keys. */
  readonly keyPrefix: string;
  /** True when this helper runs the server (so `stop`/`start` can simulate an outage). */
  readonly owned: boolean;
  /** Stops the server (an outage); the port stays reserved for `start`. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
  /** Freezes the server (SIGSTOP): it keeps its connections but answers nothing, like a hung Redis. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
  close(): Promise<void>;
}

/**
 * Uses `REDIS_URL` when given; otherwise starts Debian's `redis-server` on a
 * free loopback port, without persistence. Throws (so the tests FAIL, never
 * skip) when it cannot start — `scripts/ensure.d/redis.sh` installs it.
 */
export async function startTestRedis(options: { own?: boolean } = {}): Promise<TestRedis> {
  const keyPrefix = `yst-test-${randomUUID().slice(0, 8)}:`;
  const given = process.env.REDIS_URL;
  if (given && !options.own) {
    const refuse = async () => {
      throw new Error('cannot stop or start a Redis given by REDIS_URL');
    };
    const cannot = () => {
      throw new Error('cannot pause a Redis given by REDIS_URL');
    };
    return {
      url: given,
      keyPrefix,
      owned: false,
      stop: refuse,
      start: refuse,
      pause: cannot,
      resume: cannot,
      close: async () => undefined,
    };
  }
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(port);
  const stop = async () => {
    if (!child) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL'); // an outage, not a graceful stop
    await exited;
    child = undefined;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    keyPrefix,
    owned: true,
    stop,
    start: async () => {
      child ??= await launch(port);
    },
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    close: async () => {
      child?.kill('SIGCONT'); // a stopped process would not act on SIGKILL's exit until continued
      await stop();
    },
  };
}

async function launch(port: number): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(new Error(`cannot start redis-server (run scripts/ensure.d/redis.sh to install it): ${error.message}`)),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output.slice(-500)}`)));
  });
  failed.catch(() => undefined);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await answersPing(port)) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer on port ${port} within 10 s: ${output.slice(-500)}`);
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, 50)), failed]);
  }
}

/** One raw PING over TCP: no client library, so nothing retries behind our back. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
