import { join, resolve } from 'node:path';
import { defineSection, int, str } from '../section.js';

/**
 * The turn records (what was asked, answered and why), feedback, and the
 * admin page that reads them. `DATA_DIR` is introduced here: the folder for
 * the service's own files (the SQLite records database by default).
 */
export const recordsSection = defineSection({
  env: {
    DATA_DIR: str(),
    RECORDS_DB: str(),
    RECORDS_DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://[^\\s]+$' },
    RECORD_USER: { enum: ['hashed', 'plain', 'none'], default: 'hashed' },
    RECORD_ANSWER_CHARS: int(0, 100_000, 2000),
    RECORD_BUFFER: int(1, 1_000_000, 10_000),
    RECORDS_RETENTION_DAYS: int(1, 36_500, 90),
    RECORDS_TIMEOUT_MS: int(100, 120_000, 5000),
    ADMIN_TOKEN: str(),
    ADMIN_FAQ_FILE: str(),
  },
  build: (v) => {
    const dataDir = resolve((v.DATA_DIR as string | undefined) ?? 'data');
    const db = v.RECORDS_DB as string | undefined;
    return {
      /** The service's data folder (relative paths are from the working directory). */
      dataDir,
      /** `off` turns recording (and `/feedback`, `/admin`) off. */
      enabled: db !== 'off',
      /** The SQLite file, unless `databaseUrl` is set. */
      sqliteFile: db && db !== 'off' ? resolve(db) : join(dataDir, 'records.sqlite'),
      /** PostgreSQL, shared by several instances. */
      databaseUrl: v.RECORDS_DATABASE_URL as string | undefined,
      user: v.RECORD_USER as 'hashed' | 'plain' | 'none',
      answerChars: v.RECORD_ANSWER_CHARS as number,
      buffer: v.RECORD_BUFFER as number,
      retentionDays: v.RECORDS_RETENTION_DAYS as number,
      /** Each database statement (and a connection attempt) gives up after this long. */
      timeoutMs: v.RECORDS_TIMEOUT_MS as number,
      /** Unset: `/admin` is read-only and answers loopback callers only. */
      adminToken: v.ADMIN_TOKEN as string | undefined,
      /** Where "teach it" appends FAQ entries; default `<KB_DIR>/taught-faq.jsonl` (set by the composition root). */
      adminFaqFile: v.ADMIN_FAQ_FILE ? resolve(v.ADMIN_FAQ_FILE as string) : undefined,
    };
  },
});

/** The admin token and the records database's password: values no log line may carry. */
export function recordsSecrets(records: { adminToken?: string; databaseUrl?: string }): string[] {
  const secrets = records.adminToken ? [records.adminToken] : [];
  if (records.databaseUrl) {
    try {
      const password = decodeURIComponent(new URL(records.databaseUrl).password);
      if (password) secrets.push(password);
    } catch {
      // the section's pattern admitted it; an unparsable URL has no password to hide
    }
  }
  return secrets;
}
