import { Writable } from 'node:stream';

/** What the batch is handed to: process.stdout, or a test's stream. */
export interface LineTarget {
  write(chunk: string): unknown;
}

/**
 * Log lines gathered over one turn of the event loop and handed to `target`
 * in one write. On Linux, stdout is written synchronously whether it is a
 * file, a pipe or journald's socket, so one line per call was one `write(2)`
 * per call: 7% of a saturated `/chat/sync` call's CPU in the profile, more
 * than the rest of the logging. Lines keep their order; nothing waits longer
 * than the current turn of the loop, and a batch is written at once when it
 * reaches `maxChars` characters (UTF-16 units; at most 3 bytes each in UTF-8). `flush()` writes what is pending now: the process's
 * `exit` handler calls it (see `stdoutLines`), so `process.exit()`, the end of
 * the loop and an uncaught exception lose no line. Only a kill that gives the
 * process no `exit` (SIGKILL, the OOM killer) loses the lines of the turn in
 * progress.
 */
export class BatchedOutput extends Writable {
  private pending: string[] = [];
  private pendingChars = 0;
  private scheduled = false;

  constructor(
    private readonly target: LineTarget,
    private readonly maxChars = 64 * 1024,
  ) {
    // Strings stay strings: joined once per batch, not each copied into a Buffer first.
    super({ decodeStrings: false });
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = typeof chunk === 'string' ? chunk : String(chunk);
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= this.maxChars) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushScheduled);
    }
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.flush();
    done();
  }

  /** Writes every pending line now, in one write. */
  flush(): void {
    if (this.pending.length === 0) return;
    const text = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    this.target.write(text);
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    this.flush();
  };
}

let stdout: BatchedOutput | undefined;

/** The process's one batched stdout, flushed when the process exits. */
export function stdoutLines(): BatchedOutput {
  if (!stdout) {
    const output = new BatchedOutput(process.stdout);
    process.on('exit', () => output.flush());
    stdout = output;
  }
  return stdout;
}
