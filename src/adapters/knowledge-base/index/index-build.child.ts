/**
 * The process a generation is built in (`IndexBuildProcess` starts it): it
 * loads the current generation for its unchanged files, reads, chunks,
 * tokenizes and inverts the rest on its own threads, writes the new
 * generation and makes it current, then exits. Everything a build allocates
 * (parsed files, tokens, the allocator's arenas) goes with this process; the
 * service only loads the finished generation, as a restart does.
 *
 * One `BuildRequest` line in on stdin; `BuildReply` lines out on fd 3
 * (`build-messages.ts`). The end of stdin means the service is gone: the
 * build stops there, and a generation it had not made current is never used.
 */
import { Socket } from 'node:net';
import { IndexStore } from './index-store.js';
import { buildIndex } from './index-builder.js';
import { type BuildReply, type BuildRequest, HEARTBEAT_MS, isBuildRequest, MAX_LINE_CHARS, REPLY_FD } from './build-messages.js';
import { TokenizePool } from './tokenize-pool.js';
import { defaultReaderFor } from '../ingest/default-readers.js';

const replies = new Socket({ fd: REPLY_FD, readable: false, writable: true });
const send = (reply: BuildReply) => replies.write(`${JSON.stringify(reply)}\n`);

let input = '';
let started = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  if (started) return;
  input += chunk;
  const end = input.indexOf('\n');
  if (end < 0 && input.length <= MAX_LINE_CHARS) return;
  started = true;
  let request: unknown;
  try {
    request = end >= 0 ? JSON.parse(input.slice(0, end)) : undefined;
  } catch {
    request = undefined;
  }
  input = '';
  if (!isBuildRequest(request)) return finish({ kind: 'failed', error: 'index build: malformed request' }, 2);
  void build(request).then(
    (reply) => finish(reply, 0),
    (error: Error) => finish({ kind: 'failed', error: error.message.slice(0, 2000) }, 1),
  );
});
// Either end of either channel closing means the service is gone.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
replies.on('error', () => process.exit(0));

let tokenizer: TokenizePool | undefined;

async function build(request: BuildRequest): Promise<BuildReply> {
  // The service knows this process is alive while it waits for a long file or the inversion.
  const alive = setInterval(() => send({ kind: 'alive' }), HEARTBEAT_MS);
  tokenizer = new TokenizePool(undefined, request.fileTimeoutMs);
  try {
    const store = new IndexStore(request.indexDir);
    // The index in use, for its unchanged files; unreadable means a full build, as at start.
    const previous = await store.load(request.dir).catch(() => undefined);
    const built = await buildIndex({
      dir: request.dir,
      store,
      passageChars: request.passageChars,
      limits: request.limits,
      readerFor: defaultReaderFor,
      readOnThreads: true,
      tokenizer,
      ...(previous ? { previous } : {}),
      progressEveryMs: request.progressEveryMs,
      onProgress: (progress) => send({ kind: 'progress', progress }),
    });
    return { kind: 'done', changed: built.changed, filesRead: built.filesRead, filesReused: built.filesReused };
  } finally {
    clearInterval(alive);
  }
}

function finish(reply: BuildReply, code: number): void {
  void tokenizer?.close();
  replies.end(`${JSON.stringify(reply)}\n`, () => process.exit(code));
}
