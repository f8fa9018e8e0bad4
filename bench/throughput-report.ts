import { SIZES } from './bench-config.js';
import { THROUGHPUT_ROWS, type ThroughputRun } from './workloads/wrk-sync.workload.js';

/** The floor (and the row compared with it) must use at least this share of one core in a round for that round's ratio to count. */
export const FLOOR_SATURATED = 0.9;

/** The issue's targets (issue 17), as shares of the floor and of bare Koa in the same round. */
const TARGETS: Record<string, { floor: number; koa?: number }> = {
  service: { floor: 0.35, koa: 0.55 },
  ids: { floor: 0.25 },
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const range = (values: readonly number[], digits: number, unit = '') =>
  values.length === 0 ? '—' : `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}${unit}`;

/**
 * The throughput table: per row, the median over rounds of requests/s, its
 * ratio to the floor and to Koa in the same round (only rounds where the
 * floor saturated its core), CPU per call, and each process's CPU share.
 */
export function throughputReport(runs: readonly ThroughputRun[]): string {
  const rounds = [...new Set(runs.map((r) => r.round))];
  const runOf = (key: string, round: number) => runs.find((r) => r.key === key && r.round === round);
  const saturatedRounds = rounds.filter((round) => (runOf('floor', round)?.serverCpuShare ?? 0) >= FLOOR_SATURATED);
  const notes: string[] = [];
  const starved = THROUGHPUT_ROWS.filter((row) => row.key !== 'floor' && runs.some((r) => r.key === row.key && saturatedRounds.includes(r.round) && r.serverCpuShare < FLOOR_SATURATED));
  if (starved.length > 0) {
    notes.push(
      `In rounds where the floor saturated, ${starved.map((r) => r.key).join(', ')} did not (< ${FLOOR_SATURATED * 100}% of a core: the shared machine took it); ` +
        'those rounds are left out of their ratios.',
    );
  }
  if (saturatedRounds.length < rounds.length) {
    const shares = rounds.map((round) => `${((runOf('floor', round)?.serverCpuShare ?? 0) * 100).toFixed(0)}%`).join(', ');
    notes.push(
      `The floor used ${shares} of a core in rounds ${rounds.map((r) => r + 1).join(', ')}; ratios use only rounds where it used ≥ ${FLOOR_SATURATED * 100}% ` +
        `(${saturatedRounds.length} of ${rounds.length}). Below that, the generator or the machine, not the floor, set its pace, and a ratio would flatter the service.`,
    );
  }
  const header = ['row', 'requests/s (median)', 'range', '× floor', '× Koa', 'server CPU/call', 'server CPU', 'wrk CPU', 'p50 / p99', 'failed', 'target', 'met'];
  const lines = THROUGHPUT_ROWS.map((row) => {
    const mine = runs.filter((r) => r.key === row.key);
    // A round counts only if both servers had their core: one starved by the shared machine would skew the ratio.
    const ratioTo = (key: string) =>
      saturatedRounds.flatMap((round) => {
        const a = runOf(row.key, round);
        const b = runOf(key, round);
        return a && b && b.rps > 0 && a.serverCpuShare >= FLOOR_SATURATED && b.serverCpuShare >= FLOOR_SATURATED ? [a.rps / b.rps] : [];
      });
    const toFloor = ratioTo('floor');
    const toKoa = ratioTo('koa');
    const cpuPerCallUs = mine.map((r) => (1000 * r.serverCpuMs) / Math.max(1, r.wrk.requests));
    const target = TARGETS[row.key];
    const met = target && toFloor.length > 0
      ? median(toFloor) >= target.floor && (target.koa === undefined || median(toKoa) >= target.koa)
      : undefined;
    return [
      row.label,
      median(mine.map((r) => r.rps)).toFixed(0),
      range(mine.map((r) => r.rps), 0),
      row.key === 'floor' ? '1' : toFloor.length ? `${median(toFloor).toFixed(2)}× (${range(toFloor, 2)})` : 'refused',
      row.key === 'koa' ? '1' : row.key === 'floor' ? '—' : toKoa.length ? `${median(toKoa).toFixed(2)}×` : 'refused',
      `${median(cpuPerCallUs).toFixed(0)} µs`,
      range(mine.map((r) => 100 * r.serverCpuShare), 0, '%'),
      range(mine.map((r) => 100 * r.generatorCpuShare), 0, '%'),
      `${median(mine.map((r) => r.wrk.p50Ms)).toFixed(2)} / ${median(mine.map((r) => r.wrk.p99Ms)).toFixed(2)} ms`,
      String(mine.reduce((n, r) => n + r.wrk.failures, 0)),
      target ? `≥ ${target.floor}× floor${target.koa ? `, ≥ ${target.koa}× Koa` : ''}` : '',
      met === undefined ? (target ? 'n/a' : '') : met ? 'yes' : 'NO',
    ];
  });
  const loads = runs.flatMap((r) => [r.loadBefore, r.loadAfter]);
  const { connections, rounds: n, roundS } = SIZES.throughput;
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [
    `Sync throughput: wrk, 1 thread, ${connections} connections, ${n} rounds of ${roundS} s per row, order rotated each round; ` +
      `1-minute load average ${range(loads, 2)} over the runs.`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...lines.map(line),
    ...notes.map((note) => `\n${note}`),
  ].join('\n');
}
