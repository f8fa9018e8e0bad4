import type { FaqEntry, IngestProblem, ReadDocument } from '../blocks.js';

/** Rows read from one file; past this the rest is left out, with a problem saying so. */
export const MAX_SHEET_ROWS = 200_000;

const QUESTION = ['question', '问题', '标准问题'];
const ANSWER = ['answer', '答案', '标准答案'];
const SIMILAR = ['similar', '相似问题', '相似问法'];
const ID = ['id'];
const URL_COLUMN = ['url'];
const SPACE = ['space_id'];

/** One sheet's rows as text cells, with the 1-based row number each has in the file. */
export interface SheetRows {
  /** Shown in titles and FAQ ids; undefined for CSV. */
  readonly sheet?: string;
  readonly rows: readonly { readonly n: number; readonly cells: readonly string[] }[];
}

export interface SheetOutput {
  readonly document?: ReadDocument;
  readonly faqs: FaqEntry[];
  readonly problems: IngestProblem[];
}

/**
 * A sheet as the index needs it. The first non-empty row is the header. A
 * sheet with a question and an answer column is an FAQ sheet: one entry per
 * row. Any other sheet is one document, one paragraph per row written as
 * `header: value` pairs joined by `，`, so a row keeps its columns' meaning;
 * each row is a passage of its own (`passagePerBlock`), and quoted whole
 * (a `；` would let the extractive answer quote one cell of it).
 */
export function sheetToOutput(path: string, title: string, sheet: SheetRows): SheetOutput {
  const rows = sheet.rows.filter((r) => r.cells.some((c) => c.trim()));
  const [head, ...body] = rows;
  if (!head) return { faqs: [], problems: [] };
  const header = head.cells.map((c, i) => c.trim() || `列${i + 1}`);
  const column = (names: readonly string[]): number => header.findIndex((h) => names.includes(h.toLowerCase()));
  const q = column(QUESTION);
  const a = column(ANSWER);
  const where = (n: number): string => (sheet.sheet === undefined ? `${path}:${n}` : `${path}#${sheet.sheet}!${n}`);
  if (q < 0 || a < 0) {
    const blocks = body
      .map((r) => r.cells.map((c, i) => [header[i] ?? `列${i + 1}`, c.trim()] as const).filter(([, v]) => v).map(([h, v]) => `${h}: ${v}`).join('，'))
      .filter(Boolean)
      .map((text) => ({ kind: 'paragraph' as const, text }));
    return { document: blocks.length ? { title, blocks, source: path, passagePerBlock: true } : undefined, faqs: [], problems: [] };
  }
  const [s, id, url, space] = [column(SIMILAR), column(ID), column(URL_COLUMN), column(SPACE)];
  const cell = (cells: readonly string[], i: number): string | undefined => (i < 0 ? undefined : cells[i]?.trim() || undefined);
  const faqs: FaqEntry[] = [];
  const problems: IngestProblem[] = [];
  for (const { n, cells } of body) {
    const question = cell(cells, q);
    const answer = cell(cells, a);
    if (!question || !answer) {
      problems.push({ source: where(n), reason: `FAQ row without ${question ? 'an answer' : 'a question'}` });
      continue;
    }
    faqs.push({
      id: cell(cells, id) ?? (sheet.sheet === undefined ? `${path}#${n}` : `${path}#${sheet.sheet}!${n}`),
      question,
      answer,
      similar: (cell(cells, s) ?? '').split(/\r?\n|\|/).map((x) => x.trim()).filter(Boolean),
      url: cell(cells, url),
      spaceId: cell(cells, space),
      source: where(n),
    });
  }
  return { faqs, problems };
}
