import { graphemes } from '../../application/well-formed-pieces.js';

/**
 * Streams `text` one user-perceived character at a time, pausing `delayMs`
 * before each (like a model typing); stops at once, rejecting with the
 * signal's reason, when `signal` aborts. Used by the models that have their
 * whole answer at hand (mock, extractive).
 */
export async function* typeOut(text: string, delayMs: number, signal: AbortSignal): AsyncGenerator<string> {
  if (delayMs <= 0) {
    for (const piece of graphemes(text)) {
      signal.throwIfAborted();
      yield piece;
    }
    return;
  }
  // One abort listener for the whole answer and a plain timer per piece: `timers/promises`
  // would add and remove an abort listener for every piece of every open stream.
  const typing = new Typing(signal);
  try {
    for (const piece of graphemes(text)) {
      await typing.pause(delayMs);
      yield piece;
    }
  } finally {
    typing.stop();
  }
}

/** Pauses that end early, rejecting with the signal's reason, when the signal aborts. */
class Typing {
  private timer?: NodeJS.Timeout;
  private rejectPause?: (reason: unknown) => void;
  private readonly onAbort = () => {
    clearTimeout(this.timer);
    this.rejectPause?.(this.signal.reason);
  };

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  pause(ms: number): Promise<void> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise<void>((resolve, reject) => {
      this.rejectPause = reject;
      this.timer = setTimeout(resolve, ms);
    });
  }

  stop(): void {
    clearTimeout(this.timer);
    this.signal.removeEventListener('abort', this.onAbort);
  }
}
