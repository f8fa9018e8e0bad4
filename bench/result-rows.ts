import { SIZES } from './bench-config.js';
import type { Row } from './report-table.js';
import type { FirstTokenFigures } from './workloads/first-token.workload.js';
import type { MemoryFigures } from './workloads/memory.workload.js';
import type { StreamFigures } from './workloads/streams.workload.js';
import type { LeakFigures } from './workloads/sync.workload.js';

const KIB = 1024;
const MIB = 1024 * 1024;
/** "Flat" heap: at most this much growth from the first sample to the last. */
const FLAT_HEAP_SLACK = 0.05;

/** The leak rows (workload 3b); sync throughput has its own table (throughput-report.ts). */
export function leakRows(leak: LeakFigures): Row[] {
  const first = leak.heapUsedAfter[0];
  const last = leak.heapUsedAfter[leak.heapUsedAfter.length - 1];
  const rows: Row[] = [];
  if (first && last) {
    rows.push(
      { workload: '3 memory', metric: `heap after GC at ${first.calls / 1000}k calls`, service: first.heapUsed / MIB, unit: 'MiB' },
      {
        workload: '3 memory',
        metric: `heap after GC at ${last.calls / 1000}k calls`,
        service: last.heapUsed / MIB,
        unit: 'MiB',
        target: `≤ ${first.calls / 1000}k value + 5%`,
        met: last.heapUsed <= first.heapUsed * (1 + FLAT_HEAP_SLACK),
      },
      { workload: '3 memory', metric: `failed calls in the ${last.calls / 1000}k`, service: leak.failures, unit: '', target: '0', met: leak.failures === 0 },
    );
  }
  return rows;
}

export function streamRows(service: StreamFigures, floor: StreamFigures): Row[] {
  const w = '2 streams';
  const failedNote = (f: StreamFigures) => (f.failed === 0 ? 0 : `${f.failed} (${f.failureReasons.join('; ')})`);
  return [
    { workload: w, metric: `failed streams of ${service.streams}`, service: failedNote(service), floor: failedNote(floor), unit: '', target: '0', met: service.failed === 0 },
    { workload: w, metric: 'time to first frame p50 (from send)', service: service.ttff.p50, floor: floor.ttff.p50, unit: 'ms' },
    { workload: w, metric: 'time to first frame p99 (from send)', service: service.ttff.p99, floor: floor.ttff.p99, unit: 'ms', target: '≤ 1.5× floor', met: service.ttff.p99 <= 1.5 * floor.ttff.p99 },
    { workload: w, metric: 'time to first frame p99 (from request())', service: service.ttffFromRequest.p99, floor: floor.ttffFromRequest.p99, unit: 'ms' },
    { workload: w, metric: 'request() to send p99 (generator queue)', service: service.sendDelay.p99, floor: floor.sendDelay.p99, unit: 'ms' },
    { workload: w, metric: 'stream duration p99', service: service.duration.p99, floor: floor.duration.p99, unit: 'ms' },
    { workload: w, metric: 'worst gap between frames', service: service.worstGapMs, floor: floor.worstGapMs, unit: 'ms' },
    { workload: w, metric: 'server CPU per stream', service: service.cpuMsPerStream, floor: floor.cpuMsPerStream, unit: 'ms' },
    { workload: w, metric: 'load generator CPU (share of a core)', service: service.generatorCpuShare * 100, floor: floor.generatorCpuShare * 100, unit: '%' },
    { workload: w, metric: 'load generator longest event-loop stall', service: service.generatorLagMaxMs, floor: floor.generatorLagMaxMs, unit: 'ms' },
  ];
}

export function memoryRows(service: MemoryFigures, floor: MemoryFigures): Row[] {
  const w = '3 memory';
  return [
    { workload: w, metric: 'RSS idle', service: service.idleRss / MIB, floor: floor.idleRss / MIB, unit: 'MiB' },
    { workload: w, metric: `RSS with ${service.open} streams open`, service: service.openRss / MIB, floor: floor.openRss / MIB, unit: 'MiB' },
    { workload: w, metric: 'RSS per open stream', service: service.rssPerStream / KIB, floor: floor.rssPerStream / KIB, unit: 'KiB', target: '≤ 64 KiB', met: service.rssPerStream <= 64 * KIB },
    { workload: w, metric: 'live heap per open stream', service: service.heapPerStream / KIB, floor: floor.heapPerStream / KIB, unit: 'KiB' },
    { workload: w, metric: 'failed streams (memory run)', service: service.failed, floor: floor.failed, unit: '', target: '0', met: service.failed === 0 },
  ];
}

/** `floor` here is the fake upstream spoken to directly: the loopback-and-timer floor of the same measurement. */
export function firstTokenRows(figures: FirstTokenFigures | string): Row[] {
  const w = '4 first token';
  if (typeof figures === 'string') return [{ workload: w, metric: 'overhead p99', service: figures, unit: 'ms', target: '≤ 5 ms' }];
  const { service, floor, direct } = figures;
  const nominal = SIZES.firstToken.upstreamDelayMs;
  return [
    { workload: w, metric: 'TTFF − upstream hold, p50', service: service.overhead.p50, floor: floor.overhead.p50, unit: 'ms' },
    { workload: w, metric: 'TTFF − upstream hold, p99', service: service.overhead.p99, floor: floor.overhead.p99, unit: 'ms', target: '≤ 5 ms', met: service.overhead.p99 <= 5 },
    { workload: w, metric: `TTFF − nominal ${nominal} ms, p50`, service: service.overheadNominal.p50, floor: floor.overheadNominal.p50, unit: 'ms' },
    { workload: w, metric: `TTFF − nominal ${nominal} ms, p99`, service: service.overheadNominal.p99, floor: floor.overheadNominal.p99, unit: 'ms' },
    { workload: w, metric: 'upstream called directly − hold, p50', service: '—', floor: direct.p50, unit: 'ms' },
    { workload: w, metric: 'upstream called directly − hold, p99', service: '—', floor: direct.p99, unit: 'ms' },
    { workload: w, metric: 'server CPU per call', service: service.cpuMsPerCall, floor: floor.cpuMsPerCall, unit: 'ms' },
    { workload: w, metric: 'calls measured (each)', service: service.overhead.count, floor: floor.overhead.count, unit: '' },
  ];
}
