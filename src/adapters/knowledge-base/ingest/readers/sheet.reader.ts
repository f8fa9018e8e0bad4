import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { FaqEntry, IngestProblem, ReadDocument, Reader, ReaderOutput } from '../blocks.js';
import { decodeUtf8, errorLine, fileStem, onlyProblem } from './reader-support.js';
import { MAX_SHEET_ROWS, sheetToOutput, type SheetRows } from './sheet-rows.js';
import { checkOfficeZip } from './zip-entries.js';

type SheetFile = { readonly path: string; readonly bytes: Buffer };

/** What a workbook may expand to in memory (exceljs holds it whole). */
const MAX_EXPANDED = 512 * 2 ** 20;

/** Excel `.xlsx`: every sheet with rows is a document, or an FAQ sheet (see `sheetToOutput`). */
export const readXlsx: Reader = (file) => readXlsxRows(file, MAX_SHEET_ROWS);

/** `readXlsx` with another row limit (tests). */
export async function readXlsxRows({ path, bytes }: SheetFile, maxRows: number): Promise<ReaderOutput> {
  const zip = await checkOfficeZip(bytes, 'xl/workbook.xml', 'Excel workbook', MAX_EXPANDED);
  if ('reason' in zip) return onlyProblem(path, zip.reason);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (error) {
    return onlyProblem(path, `corrupt Excel workbook: ${errorLine(error)}`);
  }
  const problems: IngestProblem[] = [];
  const sheets: SheetRows[] = [];
  let budget = maxRows;
  let cut = false;
  for (const ws of workbook.worksheets) {
    const rows: { n: number; cells: string[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, n) => {
      if (budget <= 0) {
        cut = true;
        return;
      }
      budget--;
      const cells: string[] = [];
      for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value));
      rows.push({ n, cells });
    });
    sheets.push({ sheet: ws.name, rows });
  }
  if (cut) problems.push({ source: path, reason: `more than ${maxRows} rows; only the first ${maxRows} were read` });
  const named = sheets.filter((s) => s.rows.length > 0).length > 1;
  return collectSheets(path, sheets, (s) => (named ? `${fileStem(path)} › ${s.sheet}` : fileStem(path)), problems);
}

/** CSV: UTF-8 (a BOM is fine); `,`, or `;` / tab when the header line plainly uses it. */
export const readCsv: Reader = (file) => readCsvRows(file, MAX_SHEET_ROWS);

/** `readCsv` with another row limit (tests). */
export async function readCsvRows({ path, bytes }: SheetFile, maxRows: number): Promise<ReaderOutput> {
  const text = decodeUtf8(bytes);
  if (text === undefined) return onlyProblem(path, 'not UTF-8 text (save the CSV as UTF-8)');
  const problems: IngestProblem[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      delimiter: delimiterOf(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_records_with_error: true,
      to: maxRows + 1,
      on_skip: (error) => {
        if (problems.length < 100) problems.push({ source: `${path}:${error?.lines ?? '?'}`, reason: `bad CSV record: ${errorLine(error)}` });
      },
    }) as string[][];
  } catch (error) {
    return onlyProblem(path, `bad CSV: ${errorLine(error)}`);
  }
  if (records.length > maxRows) {
    records = records.slice(0, maxRows);
    problems.push({ source: path, reason: `more than ${maxRows} rows; only the first ${maxRows} were read` });
  }
  // Rows are numbered by record, not by line: a quoted cell may span lines, and the record number is the row Excel shows.
  const sheet: SheetRows = { rows: records.map((cells, i) => ({ n: i + 1, cells })) };
  return collectSheets(path, [sheet], () => fileStem(path), problems);
}

function collectSheets(path: string, sheets: readonly SheetRows[], titleOf: (s: SheetRows) => string, problems: IngestProblem[]): ReaderOutput {
  const documents: ReadDocument[] = [];
  const faqs: FaqEntry[] = [];
  for (const sheet of sheets) {
    const out = sheetToOutput(path, titleOf(sheet), sheet);
    if (out.document) documents.push(out.document);
    faqs.push(...out.faqs);
    problems.push(...out.problems);
  }
  if (documents.length === 0 && faqs.length === 0 && problems.length === 0) problems.push({ source: path, reason: 'no rows in the sheet' });
  return { documents, faqs, problems };
}

/** `;` or tab when the first line has some and no comma; otherwise `,`. */
function delimiterOf(text: string): string {
  const first = text.slice(0, text.search(/\r?\n|$/));
  if (first.includes(',')) return ',';
  const semis = first.split(';').length - 1;
  const tabs = first.split('\t').length - 1;
  if (tabs > 0 && tabs >= semis) return '\t';
  return semis > 0 ? ';' : ',';
}

/** A cell as the text a person sees: rich text joined, a formula's result, a date as YYYY-MM-DD[ hh:mm]. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = Number.isNaN(value.getTime()) ? '' : value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
  }
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
  if ('text' in value) return String((value as { text: unknown }).text ?? '');
  if ('error' in value) return '';
  return '';
}
