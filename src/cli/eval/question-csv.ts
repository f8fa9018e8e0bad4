import { parse, CsvError } from 'csv-parse/sync';
import { ProblemList, type EvalQuestion } from './eval-question.js';

const ID_COLUMNS = ['faq_id', 'doc_id'] as const;

/**
 * Reads CSV questions: a header row naming a `query` column and one of
 * `faq_id`/`doc_id` (other columns are ignored), then one question per row.
 * An empty id cell (or `null`) means the question should not be answered.
 * Line numbers are those of the file, quoted line breaks included.
 */
export function parseQuestionCsv(file: string, text: string): EvalQuestion[] {
  const problems = new ProblemList(file);
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    // LF only: csv-parse miscounts lines on CRLF inside quoted fields.
    const options = { bom: true, info: true, skip_empty_lines: true, relax_column_count: true } as const;
    rows = parse(text.replaceAll('\r\n', '\n'), options) as unknown as typeof rows; // csv-parse's types omit `info`
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines;
    problems.add(line, `not valid CSV (${error.message.replace(/ at line \d+.*$/, '')})`);
    problems.throwIfAny();
    return [];
  }
  const [header, ...body] = rows;
  if (!header) {
    problems.add(undefined, 'is empty: it needs a header row with "query" and "faq_id" or "doc_id"');
    problems.throwIfAny();
  }
  const columns = readHeader(header!.record, problems);
  problems.throwIfAny();
  const { query: queryAt, id: idAt, idName } = columns!;
  const questions: EvalQuestion[] = [];
  for (const { record, info } of body) {
    const line = info.lines - record.reduce((n, cell) => n + countNewlines(cell), 0);
    if (record.length !== header!.record.length) {
      problems.add(line, `has ${record.length} cells, the header has ${header!.record.length}`);
      continue;
    }
    const query = record[queryAt] as string;
    if (query.trim() === '') {
      problems.add(line, '"query" is empty');
      continue;
    }
    const cell = (record[idAt] as string).trim();
    if (/[\n\r]/.test(cell)) problems.add(line, `"${idName}" must be one id on one line`);
    else questions.push({ line, query, expected: cell === '' || cell.toLowerCase() === 'null' ? null : cell });
  }
  if (questions.length === 0 && problems.empty) problems.add(undefined, 'has a header but no questions');
  problems.throwIfAny();
  return questions;
}

function readHeader(cells: string[], problems: ProblemList): { query: number; id: number; idName: string } | undefined {
  const names = cells.map((c) => c.trim().toLowerCase());
  const seen = new Set<string>();
  for (const name of names) {
    if (name !== '' && seen.has(name)) problems.add(1, `the header names column "${name}" twice`);
    seen.add(name);
  }
  const query = names.indexOf('query');
  const ids = ID_COLUMNS.filter((c) => names.includes(c));
  if (query < 0) problems.add(1, `the header needs a "query" column, found ${list(names)}`);
  if (ids.length === 0) problems.add(1, `the header needs a "faq_id" or "doc_id" column, found ${list(names)}`);
  if (ids.length > 1) problems.add(1, 'the header has both "faq_id" and "doc_id": keep one');
  if (!problems.empty) return undefined;
  const idName = ids[0] as string;
  return { query, id: names.indexOf(idName), idName };
}

const list = (names: string[]) => names.map((n) => JSON.stringify(n)).join(', ') || 'no columns';
const countNewlines = (cell: string) => cell.split('\n').length - 1;
