import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Counter, type Registry } from 'prom-client';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import { StreamChatUseCase } from '../../application/stream-chat.use-case.js';
import { SyncChatUseCase } from '../../application/sync-chat.use-case.js';
import type { Config } from '../../config/config.js';
import { adminExtension } from '../http/admin/admin.extension.js';
import type { HttpExtension } from '../http/app.js';
import { feedbackExtension } from '../http/feedback.extension.js';
import { PostgresRecordStore } from './postgres-record.store.js';
import { recordingTurns } from './recording-turns.js';
import { SqliteRecordStore } from './sqlite-record.store.js';
import { TurnRecordWriter } from './turn-record-writer.js';

/** Turn records, wired: the writer, the use cases that feed it, and the routes that read it. */
export interface Records {
  readonly writer: TurnRecordWriter;
  readonly streamChat: StreamChatUseCase;
  readonly syncChat: SyncChatUseCase;
  readonly extensions: readonly HttpExtension[];
  /** Adds `yishiting_bot_turn_records_dropped_total` to the service's registry. */
  registerMetrics(registry: Registry): void;
}

/** Where "teach it" writes by default: `taught-faq.jsonl` in the knowledge folder (beside it, when KB_DIR is one file). */
export function defaultFaqFile(kbDir: string): string {
  let folder = kbDir;
  try {
    if (statSync(kbDir).isFile()) folder = dirname(kbDir);
  } catch {
    // a folder that does not exist yet: the file is created in it
  }
  return join(folder, 'taught-faq.jsonl');
}

/** Builds the records from the `records` section; undefined with `RECORDS_DB=off`. */
export function buildRecords(config: Config, stream: StreamChatUseCase, log: LoggerPort): Records | undefined {
  const c = config.records;
  if (!c.enabled) return undefined;
  let dropped: Counter | undefined;
  const store = c.databaseUrl ? new PostgresRecordStore(c.databaseUrl, c.timeoutMs) : new SqliteRecordStore(c.sqliteFile);
  const writer = new TurnRecordWriter(
    store,
    { buffer: c.buffer, batch: 200, flushMs: 1000, user: c.user, retentionDays: c.retentionDays, maxBackoffMs: 30_000, onDropped: (n) => dropped?.inc(n) },
    log,
  );
  writer.start();
  const recording = (firstFrame: 'event' | 'end') =>
    recordingTurns(stream, { recorder: writer, answerChars: c.answerChars, provider: config.llm.provider, firstFrame });
  return {
    writer,
    streamChat: recording('event'),
    syncChat: new SyncChatUseCase(recording('end')),
    registerMetrics: (registry) => {
      dropped = new Counter({
        name: 'yishiting_bot_turn_records_dropped_total',
        help: 'Turn records lost because the records database was down or slow and the buffer (RECORD_BUFFER) was full',
        registers: [registry],
      });
    },
    extensions: [
      feedbackExtension(writer),
      adminExtension({ records: writer, token: c.adminToken, faqFile: c.adminFaqFile ?? defaultFaqFile(config.kb.dir) }),
    ],
  };
}
