import { DEFAULT_MOCK_ANSWER } from '../src/config/sections/llm.section.js';

/** The fixed request every workload sends: valid, text, no msg_id/session_id so no idempotency cache or history can short-cut it. */
export const BENCH_BODY = JSON.stringify({
  user: 'bench-user',
  msg_type: 'text',
  content: '怎么配置回调地址？',
  business_keys: ['it-helpdesk'],
});

/** The 30-piece answer of the stream workloads (one ASCII character per piece). */
export const THIRTY_PIECES = 'abcdefghijklmnopqrstuvwxyz0123';

/** Environment shared by the service and the floor in every workload. */
export const BASE_ENV: Record<string, string> = {
  LLM_PROVIDER: 'mock',
  KB_PROVIDER: 'mock',
  LOG_LEVEL: 'info',
  // The service's own default, given to the floor too, so both stream and fold the same characters.
  MOCK_LLM_ANSWER: DEFAULT_MOCK_ANSWER,
};

/** Sizes of each workload, kept small enough for `npm run bench` to finish in under 5 minutes on 2 cores. */
export const SIZES = {
  /** wrk runs each throughput row for `roundS` seconds in each of `rounds` rounds (see `throughputRounds`). */
  throughput: { connections: 32, warmupS: 2, rounds: 3, roundS: 5 },
  /** Stops after the batch that passes `budgetS`, so a slow machine still finishes in time (the table shows the count reached). */
  leak: { batches: 5, callsPerBatch: 10_000, connections: 32, budgetS: 100 },
  /** `rounds` runs of `total` streams on each server, alternating (see `streamRounds`). */
  streams: { total: 2000, concurrency: 1000, delayMs: 50, timeoutMs: 30_000, rounds: 2 },
  memory: { open: 1000, delayMs: 200, warmup: 100 },
  /**
   * One call at a time: the figure is per-call overhead, not calls queueing behind each other.
   * The first 15-20 calls after start-up run 8-50 ms slower (JIT, first sockets), hence 30 warm-up calls.
   */
  firstToken: { upstreamDelayMs: 200, total: 100, rounds: 4, concurrency: 1, warmup: 30 },
} as const;
