import { styleText } from 'node:util';
import type { AskOptions } from './ask-args.js';
import { callService, textChunks, type ChatRequestBody } from './client/chat-call.js';
import { describeErrorBody, parseJsonObject, type FrameDoc, type StreamFrame, type SyncReply } from './client/reply-shapes.js';
import { SseBlockReader } from './client/sse-blocks.js';

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);
/** Dims the bookkeeping lines on a terminal; plain text when piped. */
const meta = (text: string) => (process.stdout.isTTY ? styleText('dim', text) : text);

/** Asks once and prints the reply; returns the exit status (see `ASK_USAGE`). */
export async function runAsk(options: AskOptions, signal: AbortSignal): Promise<number> {
  const body: ChatRequestBody = {
    user: options.user,
    msg_type: 'text',
    content: options.question,
    ...(options.msgId ? { msg_id: options.msgId } : {}),
    ...(options.session ? { session_id: options.session } : {}),
    ...(options.businessKeys.length > 0 ? { business_keys: options.businessKeys } : {}),
  };
  const startedAt = performance.now();
  const path = options.sync ? 'chat/sync' : 'chat';
  const res = await callService(options.url, path, { body: JSON.stringify(body), token: options.token, signal });
  const traceId = res.headers.get('x-trace-id') ?? '(none)';
  if (res.status !== 200) {
    err(`ask: the service replied ${res.status} ${res.statusText}: ${describeErrorBody(await res.text())}\n`);
    err(`trace id: ${traceId}\n`);
    return 1;
  }
  return options.sync ? printSync(await res.text(), startedAt) : printStream(res, traceId, startedAt);
}

async function printStream(res: Response, traceId: string, startedAt: number): Promise<number> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('text/event-stream')) {
    err(`ask: expected an SSE stream (text/event-stream), got "${type}": ${describeErrorBody(await res.text())}\n`);
    return 1;
  }
  const reader = new SseBlockReader();
  let firstFrameMs: number | undefined;
  let final: StreamFrame | undefined;
  for await (const chunk of textChunks(res)) {
    for (const block of reader.push(chunk)) {
      if (block.data === undefined) continue; // a keep-alive comment
      const frame = parseJsonObject(block.data) as StreamFrame | undefined;
      if (!frame || typeof frame.response !== 'string') {
        err(`\nask: unreadable frame: ${block.raw.slice(0, 200)}\n`);
        continue;
      }
      firstFrameMs ??= performance.now() - startedAt;
      out(frame.response);
      if (frame.finished === true) final = frame;
    }
  }
  out('\n');
  const totalMs = performance.now() - startedAt;
  if (!final) {
    err('ask: the stream ended without a final frame (finished:true)\n');
    return 1;
  }
  printDocs(final.global_output.docs ?? []);
  const success = final.global_output.answer_success;
  out(meta(`trace id: ${traceId}\nfirst frame: ${ms(firstFrameMs)} · total: ${ms(totalMs)} · answer_success: ${success}\n`));
  if (success !== 1) {
    err('ask: the bot could not answer (answer_success 0); the text above is its apology\n');
    return 1;
  }
  return 0;
}

function printSync(text: string, startedAt: number): number {
  const reply = parseJsonObject(text) as SyncReply | undefined;
  const totalMs = performance.now() - startedAt;
  if (!reply) {
    err(`ask: the reply is not JSON: ${text.slice(0, 300)}\n`);
    return 1;
  }
  out(`${reply.msg_content}\n`);
  printDocs(reply.recall_docs ?? []);
  out(meta(`trace id: ${reply.third_party_trace_id}\ntotal: ${ms(totalMs)} · code: ${reply.code}\n`));
  if (reply.code !== 0 || reply.err_msg) {
    err(`ask: the service could not answer: code ${reply.code}: ${reply.err_msg}\n`);
    return 1;
  }
  return 0;
}

function printDocs(docs: readonly (FrameDoc & { score?: number })[]): void {
  if (docs.length === 0) {
    out(meta('documents: none cited\n'));
    return;
  }
  out(meta('documents:\n'));
  docs.forEach((d, i) => {
    const score = typeof d.score === 'number' ? ` (score ${d.score.toFixed(3)})` : '';
    out(`  [${i + 1}] ${d.title} — ${d.url}${meta(score)}\n`);
  });
}

const ms = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value)} ms`);
