import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BENCH_BODY, SIZES, THIRTY_PIECES } from '../bench-config.js';
import type { ChildServer } from '../child-server.js';
import { summarize, type Summary } from '../stats.js';
import { runStreams, type StreamRecord } from '../stream-load.js';

export interface StreamFigures {
  readonly streams: number;
  readonly failed: number;
  /** The first few distinct failure reasons, for the report. */
  readonly failureReasons: readonly string[];
  /** Time to first frame from the request's send (`StreamRecord.sendDelayMs`): what the server can shorten. */
  readonly ttff: Summary;
  /** The same from `request()`, the generator's own queue of 1,000 requests included (the figure before 2026-12-03). */
  readonly ttffFromRequest: Summary;
  /** `request()` to the request's send: the generator's own delay, and a full accept queue would show here too. */
  readonly sendDelay: Summary;
  readonly duration: Summary;
  /** The longest pause between two frames of any stream. */
  readonly worstGapMs: number;
  /** Server CPU time (user + system) per stream, all its frames included. */
  readonly cpuMsPerStream: number;
  /** The load generator's own CPU use over the runs, as a share of one core: near 1 means it, not the server, set the pace. */
  readonly generatorCpuShare: number;
  /** The generator's longest event-loop stall in any run, in ms: every stream it was reading from waited that long too. */
  readonly generatorLagMaxMs: number;
}

interface Run {
  readonly records: StreamRecord[];
  readonly cpuMs: number;
  readonly generatorCpuMs: number;
  readonly wallMs: number;
  readonly lagMaxMs: number;
}

/**
 * Workload 2: 2,000 `/chat` streams, 1,000 at a time, 30 pieces at 50 ms each, on the service and
 * the floor in alternating rounds (service, floor, then floor, service, …) so that the machine's
 * drift falls on both; each server's figures pool its rounds. Before the rounds each server gets
 * one full burst (1,000 at once) as a warm-up, which also warms the generator: its first burst of
 * 1,000 connections ran up to 3× slower than later ones, whichever server came first.
 */
export async function streamRounds(service: ChildServer, floor: ChildServer): Promise<{ service: StreamFigures; floor: StreamFigures }> {
  const { concurrency, timeoutMs, rounds } = SIZES.streams;
  for (const server of [service, floor]) {
    await runStreams({ url: `${server.url}/chat`, body: BENCH_BODY, total: concurrency, concurrency, timeoutMs });
  }
  const runs = new Map<ChildServer, Run[]>([[service, []], [floor, []]]);
  for (let round = 0; round < rounds; round += 1) {
    for (const server of round % 2 === 0 ? [service, floor] : [floor, service]) {
      // The last run's server still closes its 1,000 sockets (the service also writes its records):
      // the next run starts once both are idle, so that this does not fall on whichever runs next.
      await Promise.all([settled(service), settled(floor)]);
      runs.get(server)?.push(await oneRun(server));
    }
  }
  return { service: figures(runs.get(service) ?? []), floor: figures(runs.get(floor) ?? []) };
}

/** Resolves once `server` used no CPU for 200 ms (at most 5 s). */
async function settled(server: ChildServer): Promise<void> {
  const until = performance.now() + 5000;
  let last = await server.cpuMs();
  while (performance.now() < until) {
    await sleep(200);
    const now = await server.cpuMs();
    if (now === last) return;
    last = now;
  }
}

async function oneRun(server: ChildServer): Promise<Run> {
  const { total, concurrency, timeoutMs } = SIZES.streams;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const cpuBefore = await server.cpuMs();
  const generatorBefore = process.cpuUsage();
  const startedAt = performance.now();
  lag.enable();
  const records = await runStreams({ url: `${server.url}/chat`, body: BENCH_BODY, total, concurrency, timeoutMs, expectedAnswer: THIRTY_PIECES });
  lag.disable();
  const wallMs = performance.now() - startedAt;
  const generator = process.cpuUsage(generatorBefore);
  return {
    records,
    cpuMs: (await server.cpuMs()) - cpuBefore,
    generatorCpuMs: (generator.user + generator.system) / 1000,
    wallMs,
    lagMaxMs: lag.max / 1e6,
  };
}

function figures(runs: readonly Run[]): StreamFigures {
  const records = runs.flatMap((run) => run.records);
  const ok = records.filter((r) => r.ok);
  const failed = records.filter((r) => !r.ok);
  const sum = (pick: (run: Run) => number) => runs.reduce((total, run) => total + pick(run), 0);
  return {
    streams: records.length,
    failed: failed.length,
    failureReasons: [...new Set(failed.map((r) => r.error ?? 'unknown'))].slice(0, 3),
    ttff: summarize(ok.map((r) => r.ttffMs - r.sendDelayMs)),
    ttffFromRequest: summarize(ok.map((r) => r.ttffMs)),
    sendDelay: summarize(ok.map((r) => r.sendDelayMs)),
    duration: summarize(ok.map((r) => r.durationMs)),
    worstGapMs: Math.max(0, ...ok.map((r) => r.maxGapMs)),
    cpuMsPerStream: sum((run) => run.cpuMs) / records.length,
    generatorCpuShare: sum((run) => run.generatorCpuMs) / sum((run) => run.wallMs),
    generatorLagMaxMs: Math.max(0, ...runs.map((run) => run.lagMaxMs)),
  };
}
