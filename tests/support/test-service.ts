import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config/config.js';
import { configuredSecrets } from '../../src/config/redact.js';
import type { ContainerOverrides } from '../../src/container.js';
import { startService, type RunningService } from '../../src/server.js';
import { WinstonLogger } from '../../src/adapters/logging/winston-logger.adapter.js';

export interface TestService extends RunningService {
  /** Every JSON log line written so far. */
  logLines(): Record<string, unknown>[];
}

/** Starts the real app on port 0 with the given environment and fakes; logs are captured as JSON lines. */
export async function startTestService(
  env: Record<string, string> = {},
  overrides: ContainerOverrides = {},
): Promise<TestService> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
    LLM_PROVIDER: 'mock',
    KB_PROVIDER: 'mock',
    // Each service its own persisted index, unless a test shares one on purpose (restarts).
    KB_INDEX_DIR: mkdtempSync(join(tmpdir(), 'kb-index-')),
    // Nor does a test write turn records into the project's ./data.
    DATA_DIR: mkdtempSync(join(tmpdir(), 'data-')),
    ...env,
  });
  const sink = new PassThrough();
  let text = '';
  sink.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  const logger = overrides.logger ?? new WinstonLogger({ level: config.server.logLevel, format: 'json', stream: sink, secrets: configuredSecrets(config) });
  const service = await startService(config, { ...overrides, logger });
  return {
    ...service,
    logLines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/**
 * A typical question. It carries no `msg_id` on purpose: a repeated `msg_id`
 * is replayed rather than answered again (idempotency), so a test that wants
 * a fresh answer per call must not share one; add `msg_id` where it matters.
 */
export const A_QUESTION = {
  user: 'zhangsan',
  msg_type: 'text',
  content: '怎么配置回调地址？',
  session_id: 's-456',
  business_keys: ['it-helpdesk'],
};
