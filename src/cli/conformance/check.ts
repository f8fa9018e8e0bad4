import type { RunContext } from './probe.js';

/** One line of the conformance report. `run` resolves with an optional note, or throws `CheckFailed`. */
export interface Check {
  readonly name: string;
  run(ctx: RunContext): Promise<string | void>;
}

/** A check that found the deployment off-contract; each problem is one sentence. */
export class CheckFailed extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'CheckFailed';
  }
}

/** Throws when any problem was found. */
export function requireNone(problems: readonly string[]): void {
  if (problems.length > 0) throw new CheckFailed(problems);
}

/** Memoises one call shared by several checks, so a run asks the bot as few questions as it can. */
export function once<T>(make: (ctx: RunContext) => Promise<T>): (ctx: RunContext) => Promise<T> {
  let made: Promise<T> | undefined;
  return (ctx) => (made ??= make(ctx));
}

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Problems when `value[key]` is not of the wanted JSON type. */
export function fieldType(value: Record<string, unknown>, key: string, want: string, where: string): string[] {
  const got = typeOf(value[key]);
  return got === want ? [] : [`${where}.${key} is ${got}, want ${want}`];
}

/** `charset=utf-8` and the media type, case-insensitively, as proxies may respell them. */
export function contentTypeProblems(headers: Headers, mediaType: string): string[] {
  const value = headers.get('content-type') ?? '';
  const [type = '', ...params] = value.split(';').map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replaceAll('"', '');
  const problems: string[] = [];
  if (type !== mediaType) problems.push(`Content-Type is "${value}", want ${mediaType}`);
  else if (charset !== 'utf-8') problems.push(`Content-Type "${value}" lacks charset=utf-8`);
  return problems;
}
