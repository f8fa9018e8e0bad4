import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./wrk/sync-call.lua', import.meta.url));
const ENSURE = fileURLToPath(new URL('../scripts/ensure.d/wrk.sh', import.meta.url));

/** One wrk run against `POST /chat/sync`, as wrk's own `done()` reported it, plus wrk's CPU time. */
export interface WrkResult {
  /** Replies of any status, and the ones wrk counted as failed (non-2xx/3xx status, socket errors, timeouts). */
  readonly requests: number;
  readonly failures: number;
  readonly durationS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** User + system CPU wrk used, in ms (bash's `times` for its finished child). */
  readonly generatorCpuMs: number;
}

export interface WrkRun {
  readonly url: string;
  readonly body: string;
  readonly durationS: number;
  readonly connections: number;
  /** A fresh msg_id per request and a session_id out of a few hundred. */
  readonly withIds: boolean;
}

/** Installs Debian's wrk when missing (scripts/ensure.d/wrk.sh); throws with its message when it cannot. */
export async function ensureWrk(): Promise<void> {
  try {
    await run('bash', [ENSURE, '--bench'], { timeout: 600_000 });
  } catch (error) {
    throw new Error(`wrk is needed for the throughput benchmark: ${(error as { stderr?: string }).stderr?.trim() || String(error)}`);
  }
}

/**
 * Runs wrk with one thread (the other core is the server's) under bash, whose
 * `times` then prints the CPU its finished child used: the generator's share
 * is part of the report, so a reader can see whether it set the pace.
 */
export async function runWrk(options: WrkRun): Promise<WrkResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.durationS}s`, '--timeout', '10s', '-s', SCRIPT, `${options.url}/chat/sync`];
  const { stdout } = await run('bash', ['-c', 'wrk "$@"; status=$?; times; exit $status', 'wrk', ...args], {
    env: { ...process.env, WRK_BODY: options.body, WRK_WITH_IDS: options.withIds ? '1' : '0', WRK_RUN_ID: randomUUID() },
    timeout: (options.durationS + 30) * 1000,
    maxBuffer: 1 << 20,
  });
  const json = /^WRK_JSON (.+)$/m.exec(stdout)?.[1];
  if (!json) throw new Error(`wrk printed no summary:\n${stdout.slice(-2000)}`);
  const s = JSON.parse(json) as Record<string, number>;
  const num = (key: string) => {
    const value = s[key];
    if (typeof value !== 'number') throw new Error(`wrk summary lacks ${key}: ${json}`);
    return value;
  };
  return {
    requests: num('requests'),
    failures: num('connect') + num('read') + num('write') + num('status') + num('timeout'),
    durationS: num('duration_us') / 1e6,
    p50Ms: num('p50_us') / 1000,
    p99Ms: num('p99_us') / 1000,
    generatorCpuMs: childTimesMs(stdout),
  };
}

/** bash `times`: the shell's own user/sys on one line, its children's on the last; e.g. `0m1.234s 0m0.567s`. */
function childTimesMs(stdout: string): number {
  const lines = stdout.trim().split('\n');
  const match = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec((lines[lines.length - 1] ?? '').trim());
  if (!match) throw new Error(`no child CPU times from bash: ${lines.slice(-2).join(' | ')}`);
  const [, um, us, sm, ss] = match.map(Number) as [number, number, number, number, number];
  return (um * 60 + us + sm * 60 + ss) * 1000;
}
