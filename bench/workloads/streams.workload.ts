import { performance } from 'node:perf_hooks';
import { BENCH_BODY, SIZES, THIRTY_PIECES } from '../bench-config.js';
import type { ChildServer } from '../child-server.js';
import { summarize, type Summary } from '../stats.js';
import { runStreams } from '../stream-load.js';

export interface StreamFigures {
  readonly streams: number;
  readonly failed: number;
  /** The first few distinct failure reasons, for the report. */
  readonly failureReasons: readonly string[];
  readonly ttff: Summary;
  readonly duration: Summary;
  /** The longest pause between two frames of any stream. */
  readonly worstGapMs: number;
  /** Server CPU time (user + system) per stream, all its frames included. */
  readonly cpuMsPerStream: number;
  /** The load generator's own CPU use over the run, as a share of one core: near 1 means it, not the server, set the pace. */
  readonly generatorCpuShare: number;
}

/** Workload 2: 2,000 `/chat` streams, 1,000 at a time, 30 pieces at 50 ms each. */
export async function streamFanOut(server: ChildServer): Promise<StreamFigures> {
  const { total, concurrency, timeoutMs } = SIZES.streams;
  // A small warm-up so both servers are JIT-compiled before the burst.
  await runStreams({ url: `${server.url}/chat`, body: BENCH_BODY, total: 50, concurrency: 50, timeoutMs });
  const cpuBefore = await server.cpuMs();
  const generatorBefore = process.cpuUsage();
  const startedAt = performance.now();
  const records = await runStreams({
    url: `${server.url}/chat`,
    body: BENCH_BODY,
    total,
    concurrency,
    timeoutMs,
    expectedAnswer: THIRTY_PIECES,
  });
  const ok = records.filter((r) => r.ok);
  const failed = records.filter((r) => !r.ok);
  return {
    streams: records.length,
    failed: failed.length,
    failureReasons: [...new Set(failed.map((r) => r.error ?? 'unknown'))].slice(0, 3),
    ttff: summarize(ok.map((r) => r.ttffMs)),
    duration: summarize(ok.map((r) => r.durationMs)),
    worstGapMs: Math.max(0, ...ok.map((r) => r.maxGapMs)),
    cpuMsPerStream: ((await server.cpuMs()) - cpuBefore) / records.length,
    generatorCpuShare: cpuShare(process.cpuUsage(generatorBefore), performance.now() - startedAt),
  };
}

const cpuShare = (used: NodeJS.CpuUsage, wallMs: number) => (used.user + used.system) / 1000 / wallMs;
