import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { BENCH_BODY, SIZES } from '../bench-config.js';
import type { ChildServer } from '../child-server.js';
import { summarize, type Summary } from '../stats.js';
import { runStreams } from '../stream-load.js';

export interface FirstTokenFigures {
  /** Service: time to first frame minus how long the upstream really held its first token (what the service and loopback add). */
  readonly overhead: Summary;
  /** The upstream spoken to directly: time to its first token minus its real hold (the loopback floor). */
  readonly direct: Summary;
  /** Service: time to first frame minus the nominal delay (also counts the upstream timer firing late). */
  readonly overheadNominal: Summary;
  /** Direct: time to the first token minus the nominal delay. */
  readonly directNominal: Summary;
  readonly failed: number;
  /** Service CPU time per call: when far below the overhead, the rest is waiting (for a CPU, the network). */
  readonly cpuMsPerCall: number;
}

/**
 * Workload 4: the service with `LLM_PROVIDER=openai` against the fake
 * upstream, one call at a time (`SIZES.firstToken`), as is the direct
 * reference measurement. The upstream reports how long it really held each
 * first token (its timer fires 1-7 ms late on this VM), so the overhead is
 * what came on top of that.
 */
export async function firstTokenOverhead(service: ChildServer, upstream: ChildServer): Promise<FirstTokenFigures> {
  const { upstreamDelayMs, total, concurrency, warmup } = SIZES.firstToken;
  const url = `${service.url}/chat`;
  if (concurrency !== 1) throw new Error('first-token holds are matched to calls by order: run one call at a time');
  await runStreams({ url, body: BENCH_BODY, total: warmup, concurrency, timeoutMs: 10_000 });
  await upstream.holds(); // forget the warm-up's
  const cpuBefore = await service.cpuMs();
  const records = await runStreams({ url, body: BENCH_BODY, total, concurrency, timeoutMs: 10_000 });
  const cpuMsPerCall = ((await service.cpuMs()) - cpuBefore) / total;
  const serviceHolds = await upstream.holds();
  const direct: number[] = [];
  for (let i = 0; i < total; i += 1) direct.push(await firstBodyByteMs(upstream.url));
  const directHolds = await upstream.holds();
  if (serviceHolds.length !== total || directHolds.length !== total) {
    throw new Error(`the upstream held ${serviceHolds.length} + ${directHolds.length} first tokens for ${total} + ${total} calls`);
  }
  const ok = records.flatMap((r, i) => (r.ok ? [{ ttff: r.ttffMs, hold: serviceHolds[i] as number }] : []));
  return {
    overhead: summarize(ok.map((r) => r.ttff - r.hold)),
    direct: summarize(direct.map((ms, i) => ms - (directHolds[i] as number))),
    overheadNominal: summarize(ok.map((r) => r.ttff - upstreamDelayMs)),
    directNominal: summarize(direct.map((ms) => ms - upstreamDelayMs)),
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
