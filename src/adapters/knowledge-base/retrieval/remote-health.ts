import type { LoggerPort } from '../../../application/ports/logger.port.js';

/** How a remote model server is doing, for `/ready`'s detail and a metric. */
export interface RemoteHealthSnapshot {
  readonly state: 'up' | 'down';
  /** Failures since it was last up (0 when up). */
  readonly failures: number;
  /** The last failure's cause, while down. */
  readonly lastError?: string;
  /** When it went down (epoch ms), while down. */
  readonly downSince?: number;
}

/**
 * Up/down of one remote, so an outage is logged once (as a warning with its
 * cause) and its end once (info), not on every turn in between.
 */
export class RemoteHealth {
  private snapshotValue: RemoteHealthSnapshot = { state: 'up', failures: 0 };
  /** Every failure since start, for a counter (the snapshot's count restarts when it is back up). */
  totalFailures = 0;

  constructor(
    private readonly role: string,
    private readonly log: LoggerPort,
  ) {}

  get snapshot(): RemoteHealthSnapshot {
    return this.snapshotValue;
  }

  succeeded(): void {
    if (this.snapshotValue.state === 'down') {
      this.log.info(`${this.role} is back; semantic retrieval resumes`, { failures: this.snapshotValue.failures });
    }
    this.snapshotValue = { state: 'up', failures: 0 };
  }

  failed(cause: string, fields: Record<string, unknown> = {}): void {
    this.totalFailures++;
    const before = this.snapshotValue;
    if (before.state === 'up') {
      this.log.warn(`${this.role} failed; turns use the lexical path until it is back`, { error: cause, ...fields });
      this.snapshotValue = { state: 'down', failures: 1, lastError: cause, downSince: Date.now() };
    } else {
      this.log.debug(`${this.role} still failing`, { error: cause, ...fields });
      this.snapshotValue = { ...before, failures: before.failures + 1, lastError: cause };
    }
  }
}
