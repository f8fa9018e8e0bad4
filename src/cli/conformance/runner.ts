import { styleText } from 'node:util';
import { ServiceUnreachable } from '../client/chat-call.js';
import { authCheck, hangUpCheck, traceIdCheck } from './call-checks.js';
import { type Check, CheckFailed } from './check.js';
import type { RunContext } from './probe.js';
import { replyChecks } from './reply-checks.js';
import { streamChecks } from './stream-checks.js';

export interface RunSummary {
  readonly passed: number;
  readonly failed: number;
  /** The deployment could not be reached at all. */
  readonly unreachable?: ServiceUnreachable;
}

/** Every check for this run, in report order; the trace-id check must stay last. */
export function allChecks(ctx: RunContext): Check[] {
  return [...streamChecks(), ...replyChecks(), hangUpCheck, ...(ctx.token ? [authCheck] : []), traceIdCheck];
}

/**
 * Runs the checks one after another (a deployment under test should see one
 * call at a time) and writes a PASS/FAIL line per check and a summary.
 */
export async function runConformance(ctx: RunContext, write: (line: string) => void, color = false): Promise<RunSummary> {
  const paint = (style: 'green' | 'red' | 'dim', text: string) => (color ? styleText(style, text) : text);
  let passed = 0;
  let failed = 0;
  write(`conformance of ${ctx.baseUrl} against PROTOCOL.md`);
  for (const check of allChecks(ctx)) {
    try {
      const note = await check.run(ctx);
      passed += 1;
      write(`${paint('green', 'PASS')}  ${check.name}${note ? paint('dim', `  (${note})`) : ''}`);
    } catch (error) {
      if (error instanceof ServiceUnreachable && passed + failed === 0) {
        write(`${paint('red', 'FAIL')}  ${check.name}: ${error.message}`);
        return { passed, failed: failed + 1, unreachable: error };
      }
      failed += 1;
      const problems = error instanceof CheckFailed ? error.problems : [describe(error)];
      write(`${paint('red', 'FAIL')}  ${check.name}`);
      for (const problem of problems.slice(0, 8)) write(`        - ${problem}`);
      if (problems.length > 8) write(`        - … and ${problems.length - 8} more`);
    }
  }
  write(`\n${passed + failed} checks: ${passed} passed, ${failed} failed — ${failed === 0 ? 'CONFORMS' : 'DOES NOT CONFORM'}`);
  return { passed, failed };
}

function describe(error: unknown): string {
  if ((error as Error)?.name === 'TimeoutError') return 'no complete reply within the time limit';
  return error instanceof Error ? error.message : String(error);
}
