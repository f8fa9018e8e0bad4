import type { FaqEntry, IngestProblem, ReadDocument, Reader, ReaderOutput } from '../blocks.js';
import { decodeUtf8, onlyProblem, splitParagraphs } from './reader-support.js';

/** More wordings than this for one question is a generated or broken row, not an FAQ. */
const MAX_SIMILAR = 200;

/**
 * JSON Lines, one row per line. A row with `text` is a document
 * (`id`, `text`, `title`?, `url`?, `space_id`?; without a title the file
 * name names it); a row with `question` and
 * `answer` is an FAQ entry (`id`?, `similar`?, `url`?, `space_id`?), its id
 * `file#line` unless given. A bad line is reported as `file:line` with the
 * reason; the other lines are still read.
 */
export const readJsonLines: Reader = async ({ path, bytes }): Promise<ReaderOutput> => {
  const content = decodeUtf8(bytes);
  if (content === undefined) return onlyProblem(path, 'not UTF-8 text');
  const documents: ReadDocument[] = [];
  const faqs: FaqEntry[] = [];
  const problems: IngestProblem[] = [];
  content.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const source = `${path}:${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      problems.push({ source, reason: 'not valid JSON' });
      return;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      problems.push({ source, reason: 'not a JSON object' });
      return;
    }
    const read = 'question' in row || 'answer' in row ? faqRow(row as Record<string, unknown>, path, i + 1) : documentRow(row as Record<string, unknown>, source);
    if (typeof read === 'string') problems.push({ source, reason: read });
    else if ('question' in read) faqs.push(read);
    else documents.push(read);
  });
  return { documents, faqs, problems };
};

/** A document row, or the reason it is not one. */
function documentRow(r: Record<string, unknown>, source: string): ReadDocument | string {
  const id = typeof r.id === 'number' && Number.isFinite(r.id) ? String(r.id) : r.id;
  if (typeof id !== 'string' || !id.trim()) return '"id" must be a non-empty string or a number';
  if (typeof r.text !== 'string' || !r.text.trim()) return '"text" must be a non-empty string';
  const fields = optionalStrings(r, ['title', 'url', 'space_id']);
  if (typeof fields === 'string') return fields;
  const blocks = splitParagraphs(r.text).map((text) => ({ kind: 'paragraph' as const, text }));
  return { docId: id.trim(), title: fields.title, url: fields.url, spaceId: fields.space_id, blocks, source };
}

/** An FAQ row, or the reason it is not one. */
function faqRow(r: Record<string, unknown>, path: string, line: number): FaqEntry | string {
  if (typeof r.question !== 'string' || !r.question.trim()) return 'an FAQ line needs "question" as a non-empty string';
  if (typeof r.answer !== 'string' || !r.answer.trim()) return 'an FAQ line needs "answer" as a non-empty string';
  if (r.id !== undefined && !(typeof r.id === 'number' && Number.isFinite(r.id)) && (typeof r.id !== 'string' || !r.id.trim())) {
    return '"id" must be a non-empty string or a number';
  }
  const similar = r.similar ?? [];
  if (!Array.isArray(similar) || !similar.every((s) => typeof s === 'string')) return '"similar" must be an array of strings';
  if (similar.length > MAX_SIMILAR) return `"similar" has ${similar.length} entries; at most ${MAX_SIMILAR} are accepted`;
  const fields = optionalStrings(r, ['url', 'space_id']);
  if (typeof fields === 'string') return fields;
  return {
    id: r.id === undefined ? `${path}#${line}` : String(r.id).trim(),
    question: r.question.trim(),
    answer: r.answer.trim(),
    similar: (similar as string[]).map((s) => s.trim()).filter(Boolean),
    url: fields.url,
    spaceId: fields.space_id,
    source: `${path}:${line}`,
  };
}

/** The named fields, trimmed, each a string when present; or the reason one is not. */
function optionalStrings(r: Record<string, unknown>, names: readonly string[]): Record<string, string | undefined> | string {
  const out: Record<string, string | undefined> = {};
  for (const name of names) {
    const value = r[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return `"${name}" must be a string`;
    out[name] = value.trim() || undefined;
  }
  return out;
}
