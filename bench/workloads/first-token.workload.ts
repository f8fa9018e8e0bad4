import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { BENCH_BODY, SIZES } from '../bench-config.js';
import type { ChildServer } from '../child-server.js';
import { summarize, type Summary } from '../stats.js';
import { runStreams } from '../stream-load.js';

export interface FirstTokenFigures {
  /** Service: time to first frame minus the upstream's first-token delay. */
  readonly overhead: Summary;
  /** The upstream spoken to directly: time to its first token minus the same delay (loopback + timer floor). */
  readonly direct: Summary;
  readonly failed: number;
  /** Service CPU time per call: when far below the overhead, the rest is waiting (for a CPU, the network). */
  readonly cpuMsPerCall: number;
}

/**
 * Workload 4: the service with `LLM_PROVIDER=openai` against the fake
 * upstream, one call at a time (`SIZES.firstToken`), as is the direct
 * reference measurement.
 */
export async function firstTokenOverhead(service: ChildServer, upstream: ChildServer): Promise<FirstTokenFigures> {
  const { upstreamDelayMs, total, concurrency, warmup } = SIZES.firstToken;
  const url = `${service.url}/chat`;
  await runStreams({ url, body: BENCH_BODY, total: warmup, concurrency, timeoutMs: 10_000 });
  const cpuBefore = await service.cpuMs();
  const records = await runStreams({ url, body: BENCH_BODY, total, concurrency, timeoutMs: 10_000 });
  const cpuMsPerCall = ((await service.cpuMs()) - cpuBefore) / total;
  const direct: number[] = [];
  for (let i = 0; i < total; i += 1) direct.push((await firstBodyByteMs(upstream.url)) - upstreamDelayMs);
  return {
    overhead: summarize(records.filter((r) => r.ok).map((r) => r.ttffMs - upstreamDelayMs)),
    direct: summarize(direct),
    failed: records.filter((r) => !r.ok).length,
    cpuMsPerCall,
  };
}

/** Milliseconds until the first body byte of a streamed completion from the upstream itself. */
function firstBodyByteMs(upstreamUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const body = JSON.stringify({ model: 'bench-model', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const req = request(`${upstreamUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      res.once('data', () => {
        resolve(performance.now() - t0);
        res.resume();
      });
    });
    req.end(body);
  });
}
