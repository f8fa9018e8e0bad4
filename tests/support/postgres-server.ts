import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

const BIN = '/usr/lib/postgresql/15/bin';

/** A throwaway PostgreSQL: its URL, and stop/start for an outage. */
export interface TestPostgres {
  readonly url: string;
  /** Kills the server (an outage); the port and data stay for `start`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts Debian's PostgreSQL 15 (`scripts/ensure.d/postgres.sh` installs it)
 * with its data and socket in a temporary folder, on a free loopback port,
 * trust authentication, fsync off (commits stay synchronous: an immediate
 * shutdown, the tests' outage, must not lose what was committed). PostgreSQL refuses to run as root: as
 * root it runs as the `postgres` user (setpriv, so signals reach it directly).
 * Throws — the tests FAIL, never skip — when it cannot start.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'pg-test-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]) => (asRoot ? { cmd: 'setpriv', args: ['--reuid=postgres', '--regid=postgres', '--init-groups', cmd, ...args] } : { cmd, args });
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error('running as root, and there is no postgres user to run PostgreSQL as (install postgresql-15)');
    chownSync(dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
    chmodSync(dir, 0o700);
  }
  const init = as(`${BIN}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const made = spawnSync(init.cmd, init.args, { encoding: 'utf8', timeout: 60_000 });
  if (made.status !== 0) throw new Error(`initdb failed (is postgresql-15 installed? scripts/ensure.d/postgres.sh): ${made.error?.message ?? made.stderr.slice(-800)}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const run = as(`${BIN}/postgres`, ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']);
    const proc = spawn(run.cmd, run.args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr?.setEncoding('utf8').on('data', (c: string) => (log = (log + c).slice(-4000)));
    child = proc;
    const until = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`postgres exited at start: ${log}`);
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
      }
      if (Date.now() > until) throw new Error(`postgres did not accept connections within 30 s: ${log}`);
      await sleep(100);
    }
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    // Immediate shutdown: every connection is cut with no checkpoint, as in a crash, but the
    // backends go with the postmaster (a SIGKILL would orphan them on the port and shared memory).
    child.kill('SIGQUIT');
    await exited;
    child = undefined;
  };
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await start();
  return {
    url,
    stop,
    start,
    close: async () => {
      if (child && child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGINT'); // fast shutdown
        await Promise.race([exited, sleep(10_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
