/**
 * Lets a loop that awaits one thing after another (a retrieval, then each
 * piece of an answer) give up the moment `signal` aborts — even when what it
 * awaits is stuck and ignores the signal. One abort listener serves the whole
 * loop, and each `race()` costs one promise: a `Promise.race` per piece would
 * cost three and leave a reaction on a long-lived promise for every piece.
 *
 * Only one `race()` may be outstanding at a time. Call `dispose()` when done.
 */
export class AbortRace {
  private rejectCurrent?: (reason: unknown) => void;
  private readonly onAbort = () => {
    const reject = this.rejectCurrent;
    this.rejectCurrent = undefined;
    reject?.(this.signal.reason);
  };

  constructor(private readonly signal: AbortSignal) {
    if (!signal.aborted) signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Settles like `work`, or rejects with `signal.reason` as soon as the signal aborts. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.signal.aborted) {
      work.catch(() => undefined); // nobody waits for it any more
      return Promise.reject(this.signal.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.rejectCurrent = reject;
      work.then(resolve, reject);
    });
  }

  dispose(): void {
    this.rejectCurrent = undefined;
    this.signal.removeEventListener('abort', this.onAbort);
  }
}

/**
 * Rejects with `signal.reason` when it aborts; otherwise settles like `promise`.
 * For a single await; a loop of awaits should share one `AbortRace`.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
