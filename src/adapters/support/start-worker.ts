import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running `<name>.js` beside `from` (the calling module's
 * `import.meta.url`) when compiled, or `<name>.ts` from the TypeScript
 * sources (tests, `tsx`). A worker does not inherit the parent's module hooks
 * on Node 20, so from the sources it registers tsx first. tsx's ESM entry is
 * found with createRequire — mocha loads the sources through tsx's CommonJS
 * path, which has no `import.meta.resolve` — as the `.mjs` beside the
 * CommonJS one it resolves to.
 */
export function startWorker(from: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSources = from.endsWith('.ts');
  const entry = new URL(`./${name}${fromSources ? '.ts' : '.js'}`, from);
  if (!fromSources) return new Worker(entry, options);
  const tsx = pathToFileURL(createRequire(from).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}
