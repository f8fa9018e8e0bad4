/**
 * `npm run kb -- status|reindex|search "问题"|inspect FILE`: what the embedded
 * knowledge base holds, read with the service's own configuration (the same
 * environment variables, `KB_DIR` and `KB_INDEX_DIR` above all). See `kb --help`.
 */
import { loadConfig } from '../config/config.js';
import { KB_USAGE, runKb } from './kb/kb-commands.js';

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`${KB_USAGE}\n`);
    return command ? 0 : 2;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`kb: ${(error as Error).message}\n`);
    return 2;
  }
  return runKb(command, rest, config, { out: process.stdout, err: process.stderr });
}

process.exitCode = await main();
