import type { ReadyPieces } from '../../application/ports/llm.port.js';
import { graphemes } from '../../application/well-formed-pieces.js';

/**
 * Streams `text` one user-perceived character at a time, pausing `delayMs`
 * before each (like a model typing); stops at once, rejecting with the
 * signal's reason, when `signal` aborts. Used by the models that have their
 * whole answer at hand (mock, extractive).
 */
export function typeOut(text: string, delayMs: number, signal: AbortSignal): AsyncIterable<string> {
  const pieces = graphemes(text);
  return delayMs > 0 ? typed(pieces, delayMs, signal) : new Untyped(pieces, signal);
}

/**
 * The pieces with no pause: each `next()` is one settled promise, where an
 * async generator would cost several promise hops per piece, and `nextReady()`
 * none (`ReadyPieces`).
 */
class Untyped implements AsyncIterableIterator<string>, ReadyPieces {
  private index = 0;

  constructor(
    private readonly pieces: readonly string[],
    private readonly signal: AbortSignal,
  ) {}

  next(): Promise<IteratorResult<string, undefined>> {
    try {
      return Promise.resolve(this.nextReady());
    } catch (reason) {
      return Promise.reject(reason);
    }
  }

  nextReady(): IteratorResult<string, undefined> {
    if (this.signal.aborted) throw this.signal.reason;
    return this.index < this.pieces.length ? { value: this.pieces[this.index++] as string, done: false } : DONE;
  }

  return(): Promise<IteratorResult<string, undefined>> {
    this.index = this.pieces.length;
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

async function* typed(pieces: readonly string[], delayMs: number, signal: AbortSignal): AsyncGenerator<string> {
  // One abort listener for the whole answer and a plain timer per piece: `timers/promises`
  // would add and remove an abort listener for every piece of every open stream.
  const typing = new Typing(signal);
  try {
    for (const piece of pieces) {
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
