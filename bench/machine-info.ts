import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

/** One line naming the machine the figures came from. */
export function machineInfo(): string {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${cpus().length} CPUs (${model}), ${gib} GiB RAM, node ${process.version}, ${new Date().toISOString()}`;
}

/** The soft limit on open files of this process (the children inherit it). */
export function openFilesLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  return soft === undefined || soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}
