import { open, rm } from 'node:fs/promises';
import { rankOfExpected, type QuestionResult } from './question-result.js';

/** How much of each answer the report keeps. */
export const ANSWER_PREVIEW_CHARS = 200;
/** How many recalled ids the report lists per question. */
export const REPORT_TOP_IDS = 10;

const HEADER = ['line', 'query', 'expected', 'rank', 'top_ids', 'reason', 'found_by', 'answer_success', 'latency_ms', 'answer', 'error'];

/**
 * The per-question report as CSV text: RFC 4180 quoting, CRLF line ends,
 * and a UTF-8 byte-order mark so Excel reads Chinese as UTF-8 rather than
 * the system code page.
 */
export function reportCsv(results: readonly QuestionResult[]): string {
  const rows = results.map((r) => [
    String(r.question.line),
    textCell(r.question.query),
    textCell(r.question.expected ?? ''),
    String(rankOfExpected(r) ?? ''),
    textCell(r.docs.slice(0, REPORT_TOP_IDS).map((d) => (d.score === undefined ? d.id : `${d.id} (${d.score.toFixed(3)})`)).join(' | ')),
    textCell(r.reason),
    textCell(r.foundBy),
    r.answerSuccess === undefined ? '' : String(r.answerSuccess),
    String(Math.round(r.latencyMs)),
    textCell([...r.answer].slice(0, ANSWER_PREVIEW_CHARS).join('')),
    textCell(r.failure ? `${r.failure.kind}: ${r.failure.detail}` : ''),
  ]);
  return `\uFEFF${[HEADER, ...rows].map((cells) => cells.map(quote).join(',')).join('\r\n')}\r\n`;
}

/** A report file opened before the run, written once at its end. */
export interface ReportFile {
  write(results: readonly QuestionResult[]): Promise<void>;
  /** Closes and removes the file: the run ended with nothing to report. */
  discard(): Promise<void>;
}

/**
 * Opens the report file before the run, so a path that cannot be written
 * fails at once rather than after every question was asked.
 */
export async function openReport(path: string): Promise<ReportFile> {
  const handle = await open(path, 'w');
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    async write(results) {
      try {
        await handle.writeFile(reportCsv(results), 'utf8');
      } finally {
        await close();
      }
    },
    async discard() {
      if (closed) return;
      await close();
      await rm(path, { force: true });
    },
  };
}

/** Quotes a cell when it holds a comma, a quote, a line break or edge spaces; quotes inside are doubled. */
export function quote(cell: string): string {
  return /[",\r\n]|^\s|\s$/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/**
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR
 * first) gets a leading apostrophe so it is shown as text (OWASP's advice on CSV
 * injection): queries and answers come from users and documents.
 */
export function textCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
