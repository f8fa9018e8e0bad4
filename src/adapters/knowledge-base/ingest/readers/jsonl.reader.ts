import type { FaqEntry, IngestProblem, ReadDocument, Reader } from '../blocks.js';
import { textOrProblem } from './reader-support.js';
import { textToParagraphs } from './text.reader.js';

/**
 * JSON Lines, one object a line. `{"id","text","title"?,"url"?,"space_id"?}`
 * is a document; `{"question","answer","similar"?,"id"?,"url"?,"space_id"?}`
 * an FAQ entry (id defaults to `file#line`). A line that is neither is
 * reported as `file:line` and the other lines are still read.
 */
export const readJsonLines: Reader = async ({ path, bytes }) => {
  const decoded = textOrProblem(path, bytes);
  if ('problem' in decoded) return decoded.problem;
  const documents: ReadDocument[] = [];
  const faqs: FaqEntry[] = [];
  const problems: IngestProblem[] = [];
  decoded.text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const source = `${path}:${i + 1}`;
    const row = parseRow(line);
    if (typeof row === 'string') return problems.push({ source, reason: row });
    const isFaq = row.question !== undefined || row.answer !== undefined;
    const result = isFaq ? faqFrom(row, path, i + 1, source) : documentFrom(row, source);
    if (typeof result === 'string') problems.push({ source, reason: result });
    else if ('question' in result) faqs.push(result);
    else documents.push(result);
  });
  return { documents, faqs, problems };
};

type Row = Record<string, unknown>;

function parseRow(line: string): Row | string {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return 'not a JSON object';
  return row as Row;
}

function documentFrom(row: Row, source: string): ReadDocument | string {
  const id = idOf(row.id);
  if (!id) return '"id" must be a non-empty string or a number';
  if (typeof row.text !== 'string' || !row.text.trim()) return '"text" must be a non-empty string';
  return { docId: id, title: optional(row.title), url: optional(row.url), spaceId: optional(row.space_id), blocks: textToParagraphs(row.text), source };
}

function faqFrom(row: Row, path: string, line: number, source: string): FaqEntry | string {
  if (typeof row.question !== 'string' || !row.question.trim()) return 'an FAQ line needs "question" as a non-empty string';
  if (typeof row.answer !== 'string' || !row.answer.trim()) return 'an FAQ line needs "answer" as a non-empty string';
  const similar = row.similar ?? [];
  if (!Array.isArray(similar) || similar.some((s) => typeof s !== 'string')) return '"similar" must be an array of strings';
  if (row.id !== undefined && !idOf(row.id)) return '"id" must be a non-empty string or a number';
  return {
    id: idOf(row.id) ?? `${path}#${line}`,
    question: row.question.trim(),
    answer: row.answer.trim(),
    similar: (similar as string[]).map((s) => s.trim()).filter((s) => s.length > 0),
    url: optional(row.url),
    spaceId: optional(row.space_id),
    source,
  };
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function optional(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
