/**
 * `npm run conformance -- <base-url>`: checks a running deployment against
 * PROTOCOL.md and prints one PASS/FAIL line per check. Exit status: 0 all
 * passed, 1 some check failed, 2 bad usage, 3 the deployment could not be reached.
 */
import { parseArgs } from 'node:util';
import { runConformance } from './conformance/runner.js';

const USAGE = `usage: conformance [options] <base-url>

Checks a running Yishiting bot deployment against the wire contract (PROTOCOL.md).
It asks the bot a few real questions (one at a time) and sends a few malformed requests.

options:
  --token <token>      sent as "Authorization: Bearer <token>"; also checks that calls without it get 401
  --question <text>    the question to ask (default "怎么配置回调地址？")
  --timeout-ms <ms>    limit per call (default 60000, Yishiting's limit)
  -h, --help           this text`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        token: { type: 'string' },
        question: { type: 'string', default: '怎么配置回调地址？' },
        'timeout-ms': { type: 'string', default: '60000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [baseUrl, ...extra] = positionals;
  if (!baseUrl || extra.length > 0) return usage('give exactly one base URL, e.g. http://127.0.0.1:8080');
  if (!/^https?:\/\/[^\s]+$/.test(baseUrl)) return usage(`the base URL must be http(s), got "${baseUrl}"`);
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) return usage(`--timeout-ms must be a positive whole number, got "${values['timeout-ms']}"`);
  if (values.question.trim() === '') return usage('--question must not be empty');

  const ctx = { baseUrl, token: values.token, timeoutMs, question: values.question, traceIds: [] };
  const summary = await runConformance(ctx, (line) => process.stdout.write(`${line}\n`), process.stdout.isTTY);
  if (summary.unreachable) {
    process.stderr.write(`conformance: ${summary.unreachable.message}\n`);
    return 3;
  }
  return summary.failed === 0 ? 0 : 1;
}

function usage(message: string): number {
  process.stderr.write(`conformance: ${message}\n\n${USAGE}\n`);
  return 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`conformance: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
