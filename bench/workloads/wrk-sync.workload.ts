import { loadavg } from 'node:os';
import { BENCH_BODY, SIZES } from '../bench-config.js';
import type { ChildServer, ServerKind } from '../child-server.js';
import { runWrk, type WrkResult } from '../wrk-runner.js';

/** One row of the throughput table: a server (kind and environment) and the body wrk sends it. */
export interface ThroughputRow {
  readonly key: string;
  readonly label: string;
  readonly kind: ServerKind;
  readonly env: Record<string, string>;
  readonly withIds: boolean;
}

/**
 * The rows, each its own process: the floor, the framework alone, and the
 * service three ways. Logs go to /dev/null, as a production process's go to
 * a collector (see child-server.ts).
 */
export const THROUGHPUT_ROWS: readonly ThroughputRow[] = [
  { key: 'floor', label: 'bare node:http floor', kind: 'floor', env: {}, withIds: false },
  { key: 'koa', label: 'bare Koa + @koa/router + koa-bodyparser', kind: 'koa', env: {}, withIds: false },
  { key: 'quiet', label: 'service, no ids, LOG_LEVEL=warn', kind: 'service', env: { LOG_LEVEL: 'warn' }, withIds: false },
  { key: 'service', label: 'service, no ids, LOG_LEVEL=info', kind: 'service', env: { LOG_LEVEL: 'info' }, withIds: false },
  { key: 'ids', label: 'service, msg_id + session_id, LOG_LEVEL=info', kind: 'service', env: { LOG_LEVEL: 'info' }, withIds: true },
];

/** One measured wrk run of one row. */
export interface ThroughputRun {
  readonly round: number;
  readonly key: string;
  readonly rps: number;
  readonly wrk: WrkResult;
  /** Server CPU over the run, ms, and as a share of one core of the run's wall time. */
  readonly serverCpuMs: number;
  readonly serverCpuShare: number;
  readonly generatorCpuShare: number;
  /** 1-minute load average before and after the run: the machine is shared. */
  readonly loadBefore: number;
  readonly loadAfter: number;
}

/**
 * Workload 1: wrk (one thread, 32 connections) against each row for
 * `roundS` seconds, in `rounds` rounds; each round rotates the order, so the
 * shared machine's drift falls on every row alike. Every server gets a
 * warm-up run first (JIT, connections).
 */
export async function throughputRounds(
  servers: ReadonlyMap<string, ChildServer>,
  say: (line: string) => void,
): Promise<ThroughputRun[]> {
  const { connections, warmupS, rounds, roundS } = SIZES.throughput;
  for (const row of THROUGHPUT_ROWS) {
    await runWrk({ url: serverOf(servers, row).url, body: BENCH_BODY, durationS: warmupS, connections, withIds: row.withIds });
  }
  const runs: ThroughputRun[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const order = THROUGHPUT_ROWS.map((_, i) => THROUGHPUT_ROWS[(i + round) % THROUGHPUT_ROWS.length] as ThroughputRow);
    for (const row of order) {
      const server = serverOf(servers, row);
      const loadBefore = loadavg()[0] as number;
      const cpuBefore = await server.cpuMs();
      const wrk = await runWrk({ url: server.url, body: BENCH_BODY, durationS: roundS, connections, withIds: row.withIds });
      const serverCpuMs = (await server.cpuMs()) - cpuBefore;
      const run: ThroughputRun = {
        round,
        key: row.key,
        rps: (wrk.requests - wrk.failures) / wrk.durationS,
        wrk,
        serverCpuMs,
        serverCpuShare: serverCpuMs / (wrk.durationS * 1000),
        generatorCpuShare: wrk.generatorCpuMs / (wrk.durationS * 1000),
        loadBefore,
        loadAfter: loadavg()[0] as number,
      };
      runs.push(run);
      say(
        `round ${round + 1} ${row.key.padEnd(7)} ${run.rps.toFixed(0).padStart(6)} req/s, server CPU ${pct(run.serverCpuShare)}, ` +
          `wrk CPU ${pct(run.generatorCpuShare)}, failures ${wrk.failures}, load ${loadBefore.toFixed(2)}→${run.loadAfter.toFixed(2)}`,
      );
    }
  }
  return runs;
}

const pct = (share: number) => `${(share * 100).toFixed(0)}%`;

function serverOf(servers: ReadonlyMap<string, ChildServer>, row: ThroughputRow): ChildServer {
  const server = servers.get(row.key);
  if (!server) throw new Error(`no server started for row ${row.key}`);
  return server;
}
