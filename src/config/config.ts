import { Ajv } from 'ajv';
import type { EnvValues } from './section.js';
import { answersSection } from './sections/answers.section.js';
import { conversationSection } from './sections/conversation.section.js';
import { hardeningSection } from './sections/hardening.section.js';
import { kbSection } from './sections/kb.section.js';
import { llmSection } from './sections/llm.section.js';
import { recordsSection } from './sections/records.section.js';
import { semanticSection } from './sections/semantic.section.js';
import { serverSection } from './sections/server.section.js';
import { toolsSection } from './sections/tools.section.js';
import { redactUrlCredentials } from './redact.js';

/** Every area's settings; each section file lists the variables it reads. */
const SECTIONS = {
  server: serverSection,
  llm: llmSection,
  kb: kbSection,
  conversation: conversationSection,
  tools: toolsSection,
  hardening: hardeningSection,
  answers: answersSection,
  semantic: semanticSection,
  records: recordsSection,
} as const;

/**
 * The service's settings. `loadConfig` is the only place that reads the
 * environment; everything else receives this object.
 */
export type Config = { readonly [K in keyof typeof SECTIONS]: Readonly<ReturnType<(typeof SECTIONS)[K]['build']>> };

/** Start-up stopped by bad settings; `problems` names each one. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Every environment variable the service reads, for docs and tests. */
export const ENV_NAMES: readonly string[] = Object.values(SECTIONS).flatMap((s) => Object.keys(s.env));

const SECRET = /KEY|SECRET|TOKEN|PASSWORD/;

/** Reads and validates the environment; throws `ConfigError` listing every problem. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const properties = Object.assign({}, ...Object.values(SECTIONS).map((s) => s.env)) as Record<string, object>;
  const values: EnvValues = {};
  for (const name of Object.keys(properties)) {
    const value = source[name];
    // An empty variable counts as unset, as shells and compose files often leave them.
    if (value !== undefined && value.trim() !== '') values[name] = value.trim();
  }
  const ajv = new Ajv({ allErrors: true, useDefaults: true, coerceTypes: true, strict: false });
  const validate = ajv.compile({ type: 'object', properties });
  const problems: string[] = [];
  if (!validate(values)) {
    for (const e of validate.errors ?? []) {
      const name = e.instancePath.replace(/^\//, '');
      const shown = SECRET.test(name) ? '(hidden)' : redactUrlCredentials(JSON.stringify(source[name]) ?? '');
      const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
      problems.push(`${name}=${shown}: ${e.message ?? 'is invalid'}${allowed}`);
    }
  } else {
    for (const section of Object.values(SECTIONS)) problems.push(...(section.check?.(values) ?? []).map(redactUrlCredentials));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.fromEntries(Object.entries(SECTIONS).map(([key, s]) => [key, Object.freeze(s.build(values))])) as Config;
}
