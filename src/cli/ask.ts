/**
 * `npm run ask -- "怎么配置回调地址？"`: asks a running service one question
 * and renders the answer as it streams. See `ask --help`.
 */
import { ASK_USAGE, parseAskArgs, UsageError } from './ask-args.js';
import { runAsk } from './ask-run.js';
import { ServiceUnreachable } from './client/chat-call.js';

async function main(): Promise<number> {
  let options;
  try {
    options = parseAskArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ask: ${error.message}\n\n${ASK_USAGE}\n`);
    return 2;
  }
  if (!options) {
    process.stdout.write(`${ASK_USAGE}\n`);
    return 0;
  }
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  try {
    return await runAsk(options, AbortSignal.any([interrupt.signal, AbortSignal.timeout(options.timeoutMs)]));
  } catch (error) {
    if (error instanceof ServiceUnreachable) {
      process.stderr.write(`ask: ${error.message}\n`);
      return 3;
    }
    if (interrupt.signal.aborted) return 130;
    if ((error as Error).name === 'TimeoutError') {
      process.stderr.write(`\nask: no complete reply within ${options.timeoutMs} ms; gave up\n`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ask: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
