import { watch, type FSWatcher } from 'node:fs';
import type { LoggerPort } from '../../application/ports/logger.port.js';

/**
 * Calls `onChange` once things have been quiet for `debounceMs` after any
 * change under `path` (recursively), so saving ten files triggers one
 * rebuild. Does not keep the process alive.
 */
export class FolderWatcher {
  private readonly watcher: FSWatcher;
  private timer: NodeJS.Timeout | undefined;

  constructor(path: string, debounceMs: number, onChange: () => void, log: LoggerPort) {
    this.watcher = watch(path, { recursive: true, persistent: false }, () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(onChange, debounceMs);
      this.timer.unref();
    });
    this.watcher.on('error', (error) =>
      log.warn('knowledge folder watch failed; changes are no longer picked up', { path, error: error.message }),
    );
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher.close();
  }
}
