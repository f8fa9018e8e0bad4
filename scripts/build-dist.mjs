#!/usr/bin/env node
/* global process */
// Compiles src/ to dist/ (tsconfig.build.json) and copies the files the code reads beside itself
// (the playground's page, styles and script), then stamps the build.
//   node scripts/build-dist.mjs             always builds (`npm run build`)
//   node scripts/build-dist.mjs --if-stale  builds only when dist/ is missing or older than any
//                                           file under src/ or a tsconfig (`npm start`'s prestart)
// Plain JavaScript, so it runs before anything is compiled.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');
const stamp = join(dist, '.build-stamp');
const next = join(root, 'dist.next');
const inputs = [join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json'), join(root, 'package-lock.json')];

/** Newest modification time of the sources and build settings, in ms. */
function newestInput() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(src);
  for (const file of inputs) if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  return newest;
}

const stale = () => !existsSync(stamp) || statSync(stamp).mtimeMs < newestInput();

if (process.argv.includes('--if-stale') && !stale()) process.exit(0);

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  process.stderr.write(
    'build: dist/ is missing or older than src/, and TypeScript is not installed to build it.\n' +
      'Run `npm ci` (with dev dependencies) and `npm run build`, or ship a built dist/.\n',
  );
  process.exit(1);
}
process.stderr.write('build: compiling src/ to dist/\n');
// A clean build into a fresh folder that replaces dist/ only once it is complete: no compiled file
// of a deleted source stays behind, and a failed build leaves the previous dist/ as it was.
rmSync(next, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', next], { cwd: root, stdio: 'inherit' });
} catch {
  rmSync(next, { recursive: true, force: true });
  process.stderr.write('build: tsc failed (errors above); dist/ was left as it was\n');
  process.exit(1);
}
// Files that are not TypeScript but are read at run time, relative to the module that reads them
// (not src/cli/bin/*.mjs: those run the TypeScript source through tsx).
cpSync(src, next, {
  recursive: true,
  filter: (path) => statSync(path).isDirectory() || !/\.(ts|mts|cts|mjs)$/.test(path),
});
writeFileSync(join(next, '.build-stamp'), `${new Date().toISOString()}\n`);
rmSync(dist, { recursive: true, force: true });
renameSync(next, dist);
process.stderr.write(`build: done (${relative(root, dist)}/)\n`);
