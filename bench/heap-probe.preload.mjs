/* global process */
/**
 * Preloaded (`--import`) into the service and floor processes the benchmark
 * starts, so it can read their heap without a public endpoint: on the IPC
 * message `'heap'` it runs a full GC (the child is started with
 * `--expose-gc`) and answers with `process.memoryUsage()`.
 *
 * Plain JavaScript: the service runs compiled (dist/main.js) without tsx.
 */
if (process.send) {
  process.on('message', (message) => {
    if (message !== 'heap') return;
    globalThis.gc?.();
    process.send?.({ kind: 'heap', usage: process.memoryUsage() });
  });
  // The IPC channel must not keep a stopping process alive.
  process.channel?.unref();
}
