import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { BENCH_BODY, SIZES } from '../bench-config.js';
import type { ChildServer } from '../child-server.js';
import { summarize, type Summary } from '../stats.js';
import { runStreams } from '../stream-load.js';

/** Time to first frame minus the upstream's real hold, through one server. */
export interface ThroughFigures {
  /** Time to first frame minus how long the upstream really held its first token (what the server and loopback add). */
  readonly overhead: Summary;
  /** Time to first frame minus the nominal delay (also counts the upstream timer firing late). */
  readonly overheadNominal: Summary;
  /** Server CPU time per call: when far below the overhead, the rest is waiting (for a CPU, the network). */
  readonly cpuMsPerCall: number;
}

export interface FirstTokenFigures {
  /** The service with the OpenAI-compatible adapter. */
  readonly service: ThroughFigures;
  /** The floor relaying the same upstream: what any process in between adds on this machine. */
  readonly floor: ThroughFigures;
  /** The upstream spoken to directly: time to its first token minus its real hold (loopback alone). */
  readonly direct: Summary;
}

type Kind = 'service' | 'floor' | 'direct';

/**
 * Workload 4: the service with `LLM_PROVIDER=openai` and the floor in relay
 * mode, both against the fake upstream, and the upstream called directly —
 * one call at a time (`SIZES.firstToken`), in rounds that rotate which goes
 * first, so the VM's drift is shared. The upstream reports how long it really
 * held each first token (its timer fires 1-7 ms late on this VM), so the
 * overhead is what came on top of that.
 */
export async function firstTokenOverhead(service: ChildServer, floor: ChildServer, upstream: ChildServer): Promise<FirstTokenFigures> {
  const { total, rounds, concurrency, warmup } = SIZES.firstToken;
  if (concurrency !== 1) throw new Error('first-token holds are matched to calls by order: run one call at a time');
  const through = { service, floor };
  for (const server of [service, floor]) {
    await runStreams({ url: `${server.url}/chat`, body: BENCH_BODY, total: warmup, concurrency, timeoutMs: 10_000 });
  }
  for (let i = 0; i < warmup; i += 1) await firstBodyByteMs(upstream.url);
  await upstream.holds(); // forget the warm-ups'
  const ttff: Record<Kind, number[]> = { service: [], floor: [], direct: [] };
  const holds: Record<Kind, number[]> = { service: [], floor: [], direct: [] };
  const cpuMs = { service: 0, floor: 0 };
  const perRound = Math.ceil(total / rounds);
  const kinds: Kind[] = ['service', 'floor', 'direct'];
  for (let round = 0; round < rounds; round += 1) {
    for (const kind of [...kinds.slice(round % 3), ...kinds.slice(0, round % 3)]) {
      if (kind === 'direct') {
        for (let i = 0; i < perRound; i += 1) ttff.direct.push(await firstBodyByteMs(upstream.url));
      } else {
        const server = through[kind];
        const cpuBefore = await server.cpuMs();
        const records = await runStreams({ url: `${server.url}/chat`, body: BENCH_BODY, total: perRound, concurrency, timeoutMs: 10_000 });
        cpuMs[kind] += (await server.cpuMs()) - cpuBefore;
        // A failed call may or may not have reached the upstream, so holds could no longer be matched to calls.
        if (records.some((r) => !r.ok)) throw new Error(`${kind}: ${records.filter((r) => !r.ok).length} failed first-token calls`);
        ttff[kind].push(...records.map((r) => r.ttffMs));
      }
      const held = await upstream.holds();
      if (held.length !== perRound) throw new Error(`the upstream held ${held.length} first tokens for ${perRound} ${kind} calls`);
      holds[kind].push(...held);
    }
  }
  const { upstreamDelayMs } = SIZES.firstToken;
  const figures = (kind: 'service' | 'floor'): ThroughFigures => ({
    overhead: summarize(ttff[kind].map((ms, i) => ms - (holds[kind][i] as number))),
    overheadNominal: summarize(ttff[kind].map((ms) => ms - upstreamDelayMs)),
    cpuMsPerCall: cpuMs[kind] / ttff[kind].length,
  });
  return {
    service: figures('service'),
    floor: figures('floor'),
    direct: summarize(ttff.direct.map((ms, i) => ms - (holds.direct[i] as number))),
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
