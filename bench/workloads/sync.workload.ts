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

/**
 * Fires `POST /chat/sync` with the fixed body: for `durationS` seconds, or exactly `amount` calls.
 * autocannon (a JS client) is fine for counting calls and sampling the heap between batches; it
 * tops out near 4,000 requests/s on two cores, so throughput is measured with wrk (wrk-sync.workload.ts).
 */
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
