/**
 * `npm run bench`: the service (real `src/main.ts`, mock model, mock knowledge
 * base, production log level with logs to /dev/null) and the bare `node:http`
 * floor, each in its own process, driven by the same load generators from this
 * process; prints one table with both and their ratio.
 *
 * BENCH_ONLY=sync,streams,memory,first-token picks workloads; BENCH_CPU_PROF=1
 * writes CPU profiles to bench/profiles/<service|floor|upstream>/;
 * BENCH_LOG_FILE=path keeps the service's logs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BASE_ENV, SIZES, THIRTY_PIECES } from './bench-config.js';
import { startChildServer, type ChildServer, type ServerKind } from './child-server.js';
import { machineInfo, openFilesLimit } from './machine-info.js';
import { renderTable, type Row } from './report-table.js';
import { firstTokenRows, memoryRows, streamRows, syncRows } from './result-rows.js';
import { firstTokenOverhead } from './workloads/first-token.workload.js';
import { memoryPerStream } from './workloads/memory.workload.js';
import { streamFanOut } from './workloads/streams.workload.js';
import { heapOverCalls, syncThroughput } from './workloads/sync.workload.js';

const only = new Set((process.env.BENCH_ONLY ?? 'sync,streams,memory,first-token').split(','));
const profileFlags = (kind: ServerKind) =>
  process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', fileURLToPath(new URL(`./profiles/${kind}`, import.meta.url))] : [];
const ADAPTER = fileURLToPath(new URL('../src/adapters/llm/openai-llm.adapter.ts', import.meta.url));

const start = (kind: ServerKind, env: Record<string, string>) =>
  startChildServer(kind, {
    env: { ...BASE_ENV, ...env },
    nodeFlags: profileFlags(kind),
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

async function main(): Promise<void> {
  const needFiles = 2 * SIZES.streams.concurrency + 256;
  if (openFilesLimit() < needFiles) {
    throw new Error(`open-file limit ${openFilesLimit()} < ${needFiles}: run \`ulimit -n ${needFiles * 2}\` first`);
  }
  const rows: Row[] = [];
  if (only.has('sync')) {
    say('sync: service heap over 50k calls, then throughput of service and floor');
    rows.push(...(await pair({ MOCK_LLM_DELAY_MS: '0' }, async (service, floor) =>
      syncRows(await heapOverCalls(service), await syncThroughput(service, floor)),
    )));
  }
  const streamEnv = { MOCK_LLM_ANSWER: THIRTY_PIECES };
  if (only.has('streams')) {
    say('streams: 2,000 streams, 1,000 at once, on service then floor');
    rows.push(...(await pair({ ...streamEnv, MOCK_LLM_DELAY_MS: String(SIZES.streams.delayMs) }, async (service, floor) =>
      streamRows(await streamFanOut(service), await streamFanOut(floor)),
    )));
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
  process.stdout.write(`\nMachine: ${machineInfo()}\n\n${renderTable(rows)}\n`);
  say('done');
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
