import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBE = fileURLToPath(new URL('./heap-probe.preload.mjs', import.meta.url));

/**
 * Which program each kind of child runs: the real service, compiled as production runs it
 * (`npm run build`; BENCH_DIST=<folder> runs another build, e.g. an older commit's for an A/B
 * comparison; BENCH_SOURCE=1 runs src/main.ts through tsx), the floors, or the
 * fake model and embeddings upstreams (bench files, through tsx: it only costs them their start-up).
 */
const ENTRIES = {
  service: process.env.BENCH_SOURCE ? 'src/main.ts' : join(process.env.BENCH_DIST ?? 'dist', 'main.js'),
  floor: 'bench/floor-server.ts',
  koa: 'bench/koa-floor-server.ts',
  upstream: 'bench/fake-openai-upstream.ts',
  embeddings: 'bench/fake-embeddings-server.ts',
} as const;

export type ServerKind = keyof typeof ENTRIES;

/** A server under test, running in its own process. */
export interface ChildServer {
  readonly kind: ServerKind;
  readonly url: string;
  readonly pid: number;
  /** Resident memory from `/proc/<pid>/status`, in bytes. */
  rss(): Promise<number>;
  /** CPU time (user + system) the child has used so far, in ms, from `/proc/<pid>/stat`. */
  cpuMs(): Promise<number>;
  /** `process.memoryUsage()` of the child right after a full GC. */
  heapAfterGc(): Promise<NodeJS.MemoryUsage>;
  /** The fake upstream's first-token holds (ms) since the last ask, in order; only the upstream answers. */
  holds(): Promise<number[]>;
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  readonly env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  /** Where stdout/stderr go (production logs); `/dev/null` by default. */
  readonly logFile?: string;
}

/** Children still running; killed if the benchmark itself exits early (an error, Ctrl-C). */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

/**
 * Starts a server on a free loopback port and waits until it answers HTTP
 * (`GET /health`, any status: some health checks say 503 until a dependency is up). Logs go to a file (default `/dev/null`), as a
 * production process's would go to a collector.
 */
export async function startChildServer(kind: ServerKind, options: ChildServerOptions): Promise<ChildServer> {
  const port = await freePort();
  const out = openSync(options.logFile ?? '/dev/null', 'a');
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...(ENTRIES[kind].endsWith('.ts') ? ['--import', 'tsx'] : []), '--import', PROBE, ...(options.nodeFlags ?? []), ENTRIES[kind]],
    {
      cwd: ROOT,
      env: { ...process.env, ...options.env, PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'json' },
      stdio: ['ignore', out, 'pipe', 'ipc'],
    },
  );
  running.add(child);
  child.once('exit', () => running.delete(child));
  // stderr is only start-up failures and crashes: keep its tail for the error message.
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, kind, () => stderr);
  return {
    kind,
    url,
    pid: child.pid as number,
    rss: () => readRss(child.pid as number),
    cpuMs: () => readCpuMs(child.pid as number),
    heapAfterGc: () => ask<{ usage: NodeJS.MemoryUsage }>(child, 'heap').then((m) => m.usage),
    holds: () => ask<{ holds: number[] }>(child, 'holds').then((m) => m.holds),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(5000).then(() => child.kill('SIGKILL'))]);
    },
  };
}

async function waitHealthy(url: string, child: ChildProcess, kind: ServerKind, stderr: () => string): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`${kind} exited with code ${child.exitCode} before it was ready: ${stderr().trim()}`);
    }
    try {
      await (await fetch(`${url}/health`)).arrayBuffer();
      return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${kind} did not answer GET /health within 30 s`);
}

async function readRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

/** Clock ticks per second of /proc's CPU times: 100 on every Linux this runs on (USER_HZ). */
const USER_HZ = 100;

async function readCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name (which may contain spaces): utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/** Sends `kind` over IPC and waits for the child's `{ kind, ... }` answer. */
async function ask<T>(child: ChildProcess, kind: string): Promise<T> {
  const reply = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not answer '${kind}' within 10 s`)), 10_000);
    child.on('message', function onMessage(message: { kind?: string }) {
      if (message?.kind !== kind) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as T);
    });
  });
  child.send(kind);
  return reply;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  return port;
}
