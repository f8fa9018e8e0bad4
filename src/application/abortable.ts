/**
 * Iterates `source`, but gives up the moment `signal` aborts, even when the
 * source is stuck inside `next()` and ignores the signal. The source's
 * `return()` is then called (without waiting) so it can release what it holds.
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  signal.throwIfAborted();
  const iterator = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined); // observed below; keeps an unused rejection quiet
  let done = false;
  try {
    for (;;) {
      const result = await Promise.race([iterator.next(), aborted]);
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    if (!done) {
      // Fire and forget: a source that ignores the signal must not hold us up.
      Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
  }
}

/** Rejects with `signal.reason` when it aborts; otherwise settles like `promise`. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}
