import { describe, expectedId, ProblemList, type EvalQuestion } from './eval-question.js';

/**
 * Reads JSON Lines questions: one object per line with `query` and an
 * expected `faq_id` or `doc_id` (`null` = should not be answered). Other
 * fields are ignored. Blank lines are skipped; every bad line is reported.
 */
export function parseQuestionJsonl(file: string, text: string): EvalQuestion[] {
  const problems = new ProblemList(file);
  const questions: EvalQuestion[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const source = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (source.trim() === '') return;
    let row: unknown;
    try {
      row = JSON.parse(source);
    } catch (error) {
      problems.add(line, `not valid JSON (${(error as Error).message})`);
      return;
    }
    if (row === null || typeof row !== 'object' || Array.isArray(row)) {
      problems.add(line, `must be a JSON object with "query" and "faq_id" or "doc_id", got ${describe(row)}`);
      return;
    }
    const question = readRow(row as Record<string, unknown>);
    if (typeof question === 'string') problems.add(line, question);
    else questions.push({ line, ...question });
  });
  if (questions.length === 0 && problems.empty) problems.add(undefined, 'has no questions (every line is blank)');
  problems.throwIfAny();
  return questions;
}

/** The row's query and expected id, or the problem with it. */
function readRow(row: Record<string, unknown>): Omit<EvalQuestion, 'line'> | string {
  const { query } = row;
  if (typeof query !== 'string' || query.trim() === '') return `"query" must be a non-empty string, got ${describe(query)}`;
  const fields = (['faq_id', 'doc_id'] as const).filter((f) => Object.hasOwn(row, f));
  if (fields.length === 0) return 'needs "faq_id" or "doc_id" (null when the question should not be answered)';
  const ids = fields.map((f) => expectedId(row[f], f));
  for (const id of ids) if ('problem' in id) return id.problem;
  const [first, second] = ids as { id: string | null }[];
  if (second && second.id !== first?.id) return '"faq_id" and "doc_id" disagree: give one of them';
  return { query, expected: first?.id ?? null };
}
