/**
 * `npm run bench`: the service (real `src/main.ts`, mock model, mock knowledge
 * base, production log level with logs to /dev/null) and the bare `node:http`
 * floor, each in its own process, driven by the same load generators from this
 * process; prints one table with both and their ratio. Sync throughput is
 * driven by wrk (installed by scripts/ensure.d/wrk.sh when missing) against
 * the floor, bare Koa and the service three ways, in its own table.
 *
 * The service runs compiled (dist/, built first when stale); BENCH_DIST=<folder>
 * runs another build as is, BENCH_SOURCE=1 src/main.ts through tsx. BENCH_ONLY=sync,leak,streams,memory,first-token,kb,vector,eval picks workloads (the last three run
 * `bench:kb`, `bench:vector` and `bench:eval` in their own processes and print their figures here); BENCH_CPU_PROF=1
 * writes CPU profiles to bench/profiles/<service|floor|upstream>/;
 * BENCH_LOG_FILE=path keeps the service's logs; BENCH_SERVICE_FLAGS / BENCH_FLOOR_FLAGS="--flag …" add node
 * flags to one side (an A/B of V8 settings).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BASE_ENV, SIZES, THIRTY_PIECES } from './bench-config.js';
import { startChildServer, type ChildServer, type ServerKind } from './child-server.js';
import { machineInfo, openFilesLimit } from './machine-info.js';
import { renderTable, type Row } from './report-table.js';
import { rowsOfScript } from './rows-file.js';
import { firstTokenRows, leakRows, memoryRows, streamRows } from './result-rows.js';
import { throughputReport } from './throughput-report.js';
import { ensureWrk } from './wrk-runner.js';
import { firstTokenOverhead } from './workloads/first-token.workload.js';
import { memoryPerStream } from './workloads/memory.workload.js';
import { streamRounds } from './workloads/streams.workload.js';
import { heapOverCalls } from './workloads/sync.workload.js';
import { THROUGHPUT_ROWS, throughputRounds } from './workloads/wrk-sync.workload.js';

const only = new Set((process.env.BENCH_ONLY ?? 'sync,leak,streams,memory,first-token,kb,vector,eval').split(','));
const profileFlags = (kind: ServerKind) =>
  process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', fileURLToPath(new URL(`./profiles/${kind}`, import.meta.url))] : [];
/** BENCH_SERVICE_FLAGS / BENCH_FLOOR_FLAGS: extra node flags for one side (an A/B of V8 settings). */
const nodeFlagsOf = (kind: ServerKind) =>
  (kind === 'service' ? process.env.BENCH_SERVICE_FLAGS : kind === 'floor' ? process.env.BENCH_FLOOR_FLAGS : '')?.split(' ').filter(Boolean) ?? [];
const ADAPTER = fileURLToPath(new URL('../src/adapters/llm/openai-llm.adapter.ts', import.meta.url));

const start = (kind: ServerKind, env: Record<string, string>) =>
  startChildServer(kind, {
    env: { ...BASE_ENV, ...env },
    nodeFlags: [...profileFlags(kind), ...nodeFlagsOf(kind)],
    logFile: kind === 'service' ? process.env.BENCH_LOG_FILE : undefined,
  });

/** Runs `work` with a fresh service and floor configured alike, and always stops both. */
async function pair<T>(env: Record<string, string>, work: (service: ChildServer, floor: ChildServer) => Promise<T>) {
  const started = await Promise.allSettled([start('service', env), start('floor', env)]);
  const [service, floor] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  if (!service || !floor) {
    // One did not start: stop the other rather than leave it running.
    await Promise.all([service?.stop(), floor?.stop()]);
    throw started.find((s) => s.status === 'rejected')?.reason;
  }
  try {
    return await work(service, floor);
  } finally {
    await Promise.all([service.stop(), floor.stop()]);
  }
}

const say = (line: string) => process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(0)}s] ${line}\n`);
const began = Date.now();

/** The service runs compiled, as in production: build it first when dist/ is missing or stale. */
function buildService(): void {
  if (process.env.BENCH_SOURCE || process.env.BENCH_DIST) return;
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-dist.mjs', import.meta.url)), '--if-stale'], { stdio: 'inherit' });
}

async function main(): Promise<void> {
  buildService();
  const needFiles = 2 * SIZES.streams.concurrency + 256;
  if (openFilesLimit() < needFiles) {
    throw new Error(`open-file limit ${openFilesLimit()} < ${needFiles}: run \`ulimit -n ${needFiles * 2}\` first`);
  }
  const rows: Row[] = [];
  let throughput = '';
  if (only.has('sync')) {
    await ensureWrk();
    say(`sync: wrk against ${THROUGHPUT_ROWS.map((r) => r.key).join(', ')}, ${SIZES.throughput.rounds} rounds`);
    throughput = throughputReport(await syncThroughput());
  }
  if (only.has('leak')) {
    say('leak: service heap over 50k sync calls');
    const service = await start('service', { MOCK_LLM_DELAY_MS: '0' });
    try {
      rows.push(...leakRows(await heapOverCalls(service)));
    } finally {
      await service.stop();
    }
  }
  const streamEnv = { MOCK_LLM_ANSWER: THIRTY_PIECES };
  if (only.has('streams')) {
    say(`streams: 2,000 streams, 1,000 at once, ${SIZES.streams.rounds} rounds alternating service and floor`);
    rows.push(...(await pair({ ...streamEnv, MOCK_LLM_DELAY_MS: String(SIZES.streams.delayMs) }, async (service, floor) => {
      const figures = await streamRounds(service, floor);
      return streamRows(figures.service, figures.floor);
    })));
  }
  if (only.has('memory')) {
    say('memory: 1,000 open streams vs idle, service then floor');
    rows.push(...(await pair({ ...streamEnv, MOCK_LLM_DELAY_MS: String(SIZES.memory.delayMs) }, async (service, floor) =>
      memoryRows(await memoryPerStream(service), await memoryPerStream(floor)),
    )));
  }
  if (only.has('first-token')) {
    say('first token: service with LLM_PROVIDER=openai against the fake upstream');
    rows.push(...firstTokenRows(await firstToken()));
  }
  // The knowledge side at the size operators have, each script in its own process (issue 17's knowledge-base rows).
  const scripts = [
    ['kb', '6 knowledge base', 'kb.bench.ts', 'bench:kb: 50,000 passages, first build, restart, memory, latency, re-index'],
    ['vector', '8 vector search', 'vector.bench.ts', 'bench:vector: 50,000 × 1,024 vectors through a fake embeddings server'],
    ['eval', '7 evaluation', 'faq-eval.bench.ts', 'bench:eval: faq-zh and retrieval-zh through the service'],
  ] as const;
  for (const [key, workload, script, what] of scripts) {
    if (!only.has(key)) continue;
    say(what);
    rows.push(...(await rowsOfScript(workload, script)));
  }
  process.stdout.write(`\nMachine: ${machineInfo()}\n\n${throughput ? `${throughput}\n\n` : ''}${rows.length ? `${renderTable(rows)}\n` : ''}`);
  say('done');
}

/** Workload 1: one process per throughput row, all started before and stopped after every round. */
async function syncThroughput() {
  const started = await Promise.allSettled(
    THROUGHPUT_ROWS.map((row) => start(row.kind, { MOCK_LLM_DELAY_MS: '0', ...row.env }).then((server) => [row.key, server] as const)),
  );
  const servers = new Map(started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])));
  try {
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return await throughputRounds(servers, say);
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  }
}

async function firstToken() {
  if (!existsSync(ADAPTER)) return 'adapter not available';
  const upstream = await start('upstream', { FIRST_TOKEN_DELAY_MS: String(SIZES.firstToken.upstreamDelayMs) });
  try {
    let service: ChildServer;
    try {
      service = await start('service', {
        LLM_PROVIDER: 'openai',
        LLM_BASE_URL: `${upstream.url}/v1`,
        LLM_API_KEY: 'bench-key',
        LLM_MODEL: 'bench-model',
      });
    } catch (error) {
      return `adapter not available (${(error as Error).message})`;
    }
    try {
      // The floor relays the same upstream: the reference for what a process in between adds.
      const floor = await start('floor', { LLM_BASE_URL: `${upstream.url}/v1` });
      try {
        return await firstTokenOverhead(service, floor, upstream);
      } finally {
        await floor.stop();
      }
    } finally {
      await service.stop();
    }
  } finally {
    await upstream.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
