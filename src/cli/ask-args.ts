import { parseArgs } from 'node:util';

/** What `ask` was told to do. */
export interface AskOptions {
  readonly url: string;
  readonly question: string;
  readonly sync: boolean;
  readonly user: string;
  readonly session?: string;
  readonly msgId?: string;
  readonly businessKeys: string[];
  readonly token?: string;
  readonly timeoutMs: number;
}

export const ASK_USAGE = `usage: ask [options] <question…>

Asks a running Yishiting bot service one question and shows the answer as it streams.

options:
  --url <base-url>        the service (default http://127.0.0.1:8080)
  --sync                  use POST /chat/sync (one JSON reply) instead of the SSE stream
  --user <name>           the asking user (default "cli")
  --session <id>          session_id: turns with the same id share history
  --msg-id <id>           msg_id of this message
  --business-key <key>    business_keys entry (repeatable)
  --token <token>         sent as "Authorization: Bearer <token>"
  --timeout-ms <ms>       give up after this long (default 60000, Yishiting's limit)
  -h, --help              this text

exit status: 0 answered, 1 the service replied with an error or could not answer,
             2 bad usage, 3 the service could not be reached`;

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {}

/** Parses `ask`'s command line; `undefined` means help was asked for. */
export function parseAskArgs(argv: string[]): AskOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        sync: { type: 'boolean', default: false },
        user: { type: 'string', default: 'cli' },
        session: { type: 'string' },
        'msg-id': { type: 'string' },
        'business-key': { type: 'string', multiple: true, default: [] },
        token: { type: 'string' },
        'timeout-ms': { type: 'string', default: '60000' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const question = positionals.join(' ').trim();
  if (question === '') throw new UsageError('no question given, e.g. ask "怎么配置回调地址？"');
  if (!/^https?:\/\/[^\s]+$/.test(values.url)) throw new UsageError(`--url must be an http(s) URL, got "${values.url}"`);
  const timeoutMs = Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError(`--timeout-ms must be a positive whole number of ms, got "${values['timeout-ms']}"`);
  }
  if (values.user.trim() === '') throw new UsageError('--user must not be empty');
  return {
    url: values.url,
    question,
    sync: values.sync,
    user: values.user,
    session: values.session,
    msgId: values['msg-id'],
    businessKeys: values['business-key'],
    token: values.token,
    timeoutMs,
  };
}
