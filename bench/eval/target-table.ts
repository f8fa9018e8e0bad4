import type { Share } from '../../src/cli/eval/eval-metrics.js';
import type { FigureRow, Target } from './eval-sets.js';

const isShare = (v: FigureRow['value']): v is Share => v !== null && typeof v === 'object';

/** The figure's number, for comparing with its target. */
const numberOf = (v: FigureRow['value']): number | null => (isShare(v) ? v.value : typeof v === 'number' ? v : null);

/** The figure as the tables print it: a share with its count, milliseconds, a count or a ratio. */
export function figureText(row: FigureRow): string {
  const { value } = row;
  if (value === null) return 'n/a';
  if (typeof value === 'string') return value;
  if (isShare(value)) return value.value === null ? `n/a (0/${value.of})` : `${value.value.toFixed(4)} (${value.count}/${value.of})`;
  if (row.format === 'ms') return `${Math.round(value)} ms`;
  return row.format === 'count' ? String(value) : value.toFixed(4);
}

/** Whether the figure meets its target: undefined without one; nothing measured does not meet it. */
export function meetsTarget(row: FigureRow): boolean | undefined {
  if (!row.target) return undefined;
  const value = numberOf(row.value);
  if (value === null) return false;
  return row.target.op === '≥' ? value >= row.target.bound : value <= row.target.bound;
}

function met(row: FigureRow): string {
  const verdict = meetsTarget(row);
  if (verdict === undefined) return '';
  if (numberOf(row.value) === null) return 'not met (nothing measured)';
  return verdict ? 'met' : 'NOT MET';
}

export const targetText = (t: Target | undefined) => (t ? `${t.op} ${t.bound}` : '');

/** One Markdown table of every set's figures with the targets beside them. */
export function renderTargetTable(sets: readonly { name: string; rows: readonly FigureRow[] }[]): string {
  const header = ['set', 'metric', 'value', 'target', 'met'];
  const lines = sets.flatMap((set) => set.rows.map((row) => [set.name, row.metric, figureText(row), targetText(row.target), met(row)]));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n');
}
