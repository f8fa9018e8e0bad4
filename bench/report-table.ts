/** One line of the benchmark's table: a metric for the service, the floor, and how it compares. */
export interface Row {
  readonly workload: string;
  readonly metric: string;
  /** A number in `unit`, or a word such as "adapter not available". */
  readonly service: number | string;
  readonly floor?: number | string;
  readonly unit: string;
  /** The target in words, e.g. "≥ 0.50× floor". */
  readonly target?: string;
  readonly met?: boolean;
}

const show = (value: number | string | undefined, unit: string): string => {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return 'n/a';
  if (Number.isInteger(value) && unit === '') return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`.trim();
};

const ratio = (row: Row): string =>
  typeof row.service === 'number' && typeof row.floor === 'number' && row.floor !== 0
    ? `${(row.service / row.floor).toFixed(2)}×`
    : '—';

/** The results as one Markdown table (readable in a terminal, pasteable into RESULTS.md). */
export function renderTable(rows: readonly Row[]): string {
  const header = ['workload', 'metric', 'service', 'floor', 'service/floor', 'target', 'met'];
  const lines = rows.map((r) => [
    r.workload,
    r.metric,
    show(r.service, r.unit),
    show(r.floor, r.unit),
    ratio(r),
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n');
}
