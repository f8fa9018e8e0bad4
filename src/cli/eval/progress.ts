/** Where progress goes: stderr, or a test's fake. */
export interface ProgressOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Redraws of the bar at most this often: thousands of quick answers must not flood a terminal. */
const REDRAW_MS = 100;
const BAR_WIDTH = 30;

/**
 * Shows how far a run is. On a terminal, a bar redrawn in place; otherwise
 * (a log file, CI) one line per ~10% so the log stays short.
 */
export class ProgressReporter {
  private lastDraw = 0;
  private lastTenth = 0;
  private readonly started = performance.now();

  constructor(
    private readonly out: ProgressOutput,
    private readonly label: string,
  ) {}

  update(done: number, total: number): void {
    if (this.out.isTTY) {
      const now = performance.now();
      if (done < total && now - this.lastDraw < REDRAW_MS) return;
      this.lastDraw = now;
      this.out.write(`\r${this.bar(done, total)}`);
      if (done === total) this.out.write('\n');
      return;
    }
    const tenth = Math.floor((done * 10) / total);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.out.write(`${this.label}: ${done}/${total} (${Math.floor((done * 100) / total)}%)\n`);
    }
  }

  private bar(done: number, total: number): string {
    const filled = Math.round((done / total) * BAR_WIDTH);
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? (done / seconds).toFixed(1) : '0.0';
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total} ${((done * 100) / total).toFixed(0)}% ${rate}/s`;
  }
}
