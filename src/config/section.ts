/** Validated environment values, by variable name (defaults applied, types coerced). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EnvValues = Record<string, any>;

/**
 * One area's settings: the environment variables it reads (as JSON Schema,
 * with defaults) and how they become typed settings. `check` adds problems
 * that involve several variables at once.
 */
export interface ConfigSection<T> {
  readonly env: Readonly<Record<string, object>>;
  build(values: EnvValues): T;
  check?(values: EnvValues): string[];
}

export function defineSection<T>(section: ConfigSection<T>): ConfigSection<T> {
  return section;
}

export const int = (minimum: number, maximum: number, dflt?: number) => ({
  type: 'integer',
  minimum,
  maximum,
  ...(dflt === undefined ? {} : { default: dflt }),
});
export const num = (minimum: number, maximum: number, dflt?: number) => ({
  type: 'number',
  minimum,
  maximum,
  ...(dflt === undefined ? {} : { default: dflt }),
});
export const str = (dflt?: string) => ({ type: 'string', minLength: 1, ...(dflt === undefined ? {} : { default: dflt }) });
export const url = () => ({ type: 'string', pattern: '^https?://[^\\s]+$' });
export const bool = (dflt: boolean) => ({ type: 'boolean', default: dflt });
