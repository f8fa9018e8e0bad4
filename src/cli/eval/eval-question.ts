/** One row of a question file: what to ask, and which entry or document should answer it. */
export interface EvalQuestion {
  /** 1-based line of the file the row starts on (for reports and error messages). */
  readonly line: number;
  readonly query: string;
  /** The expected `faq_id`/`doc_id`; `null` when the question should not be answered. */
  readonly expected: string | null;
}

/**
 * A question file that cannot be used as it is. `problems` are `file:line: what`
 * lines, all of them up to a cap, so an operator fixes the file in one pass.
 */
export class QuestionFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(problems.length === 1 ? (problems[0] as string) : `${file}: ${problems.length} problems\n  ${problems.join('\n  ')}`);
    this.name = 'QuestionFileError';
  }
}

/** How many problems a file error lists before it says "and N more". */
export const MAX_LISTED_PROBLEMS = 20;

/** Collects a file's problems with their line numbers, up to `MAX_LISTED_PROBLEMS`. */
export class ProblemList {
  private readonly listed: string[] = [];
  private more = 0;

  constructor(private readonly file: string) {}

  add(line: number | undefined, what: string): void {
    if (this.listed.length >= MAX_LISTED_PROBLEMS) this.more += 1;
    else this.listed.push(line === undefined ? `${this.file}: ${what}` : `${this.file}:${line}: ${what}`);
  }

  get empty(): boolean {
    return this.listed.length === 0;
  }

  /** Throws the collected problems, if any. */
  throwIfAny(): void {
    if (this.empty) return;
    throw new QuestionFileError(this.file, this.more > 0 ? [...this.listed, `… and ${this.more} more`] : this.listed);
  }
}

/**
 * Reads an expected id cell: a non-empty string or a number (ids in a
 * knowledge base may be numeric), or `null`. Returns the problem text when the
 * value cannot be an id.
 */
export function expectedId(value: unknown, field: string): { id: string | null } | { problem: string } {
  if (value === null) return { id: null };
  if (typeof value === 'number' && Number.isFinite(value)) return { id: String(value) };
  if (typeof value === 'string' && value.trim() !== '') return { id: value.trim() };
  return { problem: `"${field}" must be a non-empty string, a number, or null (should not be answered), got ${describe(value)}` };
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value === '' ? 'an empty string' : JSON.stringify(value.slice(0, 40));
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : String(value);
}
