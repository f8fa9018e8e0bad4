import autocannon from 'autocannon';
import { BENCH_BODY, SIZES } from '../bench-config.js';
import type { ChildServer } from '../child-server.js';

export interface SyncFigures {
  /** Successful (2xx) replies per second over the measured run. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Non-2xx replies plus connection errors: any is a failure of the run. */
  readonly failures: number;
  /** Server CPU time (user + system) per successful call: steadier than requests/s on a shared machine. */
  readonly cpuMsPerCall: number;
  /** Successful calls, and the seconds they were measured over. */
  readonly calls: number;
  readonly durationS: number;
}

/** Fires `POST /chat/sync` with the fixed body: for `durationS` seconds, or exactly `amount` calls. */
export async function fireSync(
  server: ChildServer,
  run: { durationS?: number; amount?: number; connections: number },
): Promise<SyncFigures> {
  const cpuBefore = await server.cpuMs();
  const result = await autocannon({
    url: `${server.url}/chat/sync`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BENCH_BODY,
    connections: run.connections,
    ...(run.amount ? { amount: run.amount } : { duration: run.durationS ?? 5 }),
  });
  return {
    rps: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors,
    cpuMsPerCall: ((await server.cpuMs()) - cpuBefore) / Math.max(1, result['2xx']),
    calls: result['2xx'],
    durationS: result.duration,
  };
}

/** Sync figures of the service and the floor, and the service's share of the floor's requests/s in each round. */
export interface SyncPair {
  readonly service: SyncFigures;
  readonly floor: SyncFigures;
  readonly roundRatios: readonly number[];
}

/**
 * Workload 1: sync throughput of the service and the floor after a short
 * warm-up of each (JIT, connection pool), in alternating rounds (service
 * first, then floor first, and so on): this VM's speed drifts by ±15% over
 * minutes, and back-to-back runs of one then the other would charge the
 * drift to whichever ran second. Each figure is over all of its rounds
 * (latency percentiles are the median of the rounds').
 */
export async function syncThroughput(service: ChildServer, floor: ChildServer): Promise<SyncPair> {
  const { connections, warmupS, rounds, roundS } = SIZES.sync;
  await fireSync(service, { durationS: warmupS, connections });
  await fireSync(floor, { durationS: warmupS, connections });
  const runs: { service: SyncFigures[]; floor: SyncFigures[] } = { service: [], floor: [] };
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? (['service', 'floor'] as const) : (['floor', 'service'] as const);
    for (const kind of order) {
      runs[kind].push(await fireSync(kind === 'service' ? service : floor, { durationS: roundS, connections }));
    }
  }
  return {
    service: overRounds(runs.service),
    floor: overRounds(runs.floor),
    roundRatios: runs.service.map((s, i) => s.rps / (runs.floor[i] as SyncFigures).rps),
  };
}

function overRounds(runs: readonly SyncFigures[]): SyncFigures {
  const sum = (f: (r: SyncFigures) => number) => runs.reduce((total, r) => total + f(r), 0);
  const calls = sum((r) => r.calls);
  return {
    rps: calls / sum((r) => r.durationS),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    failures: sum((r) => r.failures),
    cpuMsPerCall: sum((r) => r.cpuMsPerCall * r.calls) / Math.max(1, calls),
    calls,
    durationS: sum((r) => r.durationS),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface LeakFigures {
  /** heapUsed after a full GC, after each batch: index 0 is after the first batch. */
  readonly heapUsedAfter: readonly { calls: number; heapUsed: number; rss: number }[];
  readonly failures: number;
}

/** Workload 3b: many sync calls in batches, with the live heap sampled after a forced GC between batches. */
export async function heapOverCalls(server: ChildServer): Promise<LeakFigures> {
  const { batches, callsPerBatch, connections, budgetS } = SIZES.leak;
  const samples: { calls: number; heapUsed: number; rss: number }[] = [];
  let failures = 0;
  const until = Date.now() + budgetS * 1000;
  for (let batch = 1; batch <= batches && (batch <= 2 || Date.now() < until); batch += 1) {
    failures += (await fireSync(server, { amount: callsPerBatch, connections })).failures;
    const usage = await server.heapAfterGc();
    samples.push({ calls: batch * callsPerBatch, heapUsed: usage.heapUsed, rss: await server.rss() });
  }
  return { heapUsedAfter: samples, failures };
}
