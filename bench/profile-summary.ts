/**
 * Summarises a V8 `.cpuprofile` (from `BENCH_CPU_PROF=1 npm run bench`):
 * self time by package / source file, and the hottest functions.
 *
 *   node --import tsx bench/profile-summary.ts bench/profiles/CPU.….cpuprofile [top=15]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: an npm package, a project file, or Node itself. */
export function areaOf(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /\/(src|bench)\/(.+)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return url;
  return url === '' ? '(native / gc / idle)' : url;
}

/** Self time in microseconds per area and per function, largest first. */
export function summarise(profile: CpuProfile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    total += dt;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = functionName === '(idle)' ? '(idle)' : areaOf(url);
    areas.set(area, (areas.get(area) ?? 0) + dt);
    const fn = `${functionName || '(anonymous)'} ${area}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + dt);
  });
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return { total, areas: sorted(areas), functions: sorted(functions) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
  const top = Number(process.argv[3] ?? 15);
  const { total, areas, functions } = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const busy = total - (areas.find(([a]) => a === '(idle)')?.[1] ?? 0);
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  console.log(`profile: ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (percentages of busy time)\n`);
  console.log('self time by area:');
  for (const [area, us] of areas.filter(([a]) => a !== '(idle)').slice(0, top)) console.log(`  ${pct(us)}  ${area}`);
  console.log('\nhottest functions:');
  for (const [fn, us] of functions.filter(([f]) => !f.startsWith('(idle)')).slice(0, top)) console.log(`  ${pct(us)}  ${fn}`);
}
