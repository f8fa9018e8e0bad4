import { BENCH_BODY, SIZES } from '../bench-config.js';
import type { ChildServer } from '../child-server.js';
import { runStreams } from '../stream-load.js';

export interface MemoryFigures {
  readonly open: number;
  readonly idleRss: number;
  readonly openRss: number;
  /** (RSS with `open` streams − idle RSS) / `open`, in bytes. */
  readonly rssPerStream: number;
  /** The same for the live heap after a full GC: what a stream really holds on to. */
  readonly heapPerStream: number;
  readonly failed: number;
}

/**
 * Workload 3a: resident memory with 1,000 streams open vs idle. The server
 * must run with a slow mock model (`SIZES.memory.delayMs` per piece) so that
 * every stream is still open when the last one has received its first frame;
 * memory is sampled at that moment.
 */
export async function memoryPerStream(server: ChildServer): Promise<MemoryFigures> {
  const { open, warmup } = SIZES.memory;
  const url = `${server.url}/chat`;
  await runStreams({ url, body: BENCH_BODY, total: warmup, concurrency: warmup, timeoutMs: 30_000 });
  const idleHeap = (await server.heapAfterGc()).heapUsed;
  const idleRss = await server.rss();

  let sample: Promise<{ rss: number; heapUsed: number }> | undefined;
  let peakOpen = 0;
  const records = await runStreams({
    url,
    body: BENCH_BODY,
    total: open,
    concurrency: open,
    timeoutMs: 60_000,
    onOpenChange: (now) => {
      peakOpen = Math.max(peakOpen, now);
      if (now === open && !sample) {
        sample = server.rss().then(async (rss) => ({ rss, heapUsed: (await server.heapAfterGc()).heapUsed }));
      }
    },
  });
  if (!sample) throw new Error(`only ${peakOpen} of ${open} streams were open at once; raise SIZES.memory.delayMs`);
  const loaded = await sample;
  return {
    open,
    idleRss,
    openRss: loaded.rss,
    rssPerStream: (loaded.rss - idleRss) / open,
    heapPerStream: (loaded.heapUsed - idleHeap) / open,
    failed: records.filter((r) => !r.ok).length,
  };
}
