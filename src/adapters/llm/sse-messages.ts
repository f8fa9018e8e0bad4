import { createParser, ParseError, type EventSourceMessage } from 'eventsource-parser';
import { LlmUnavailable } from './llm-fault.js';

/**
 * Longest SSE event (or unterminated line) we hold, in characters. A chat chunk is a few
 * kilobytes at most; anything near this is a broken upstream, not an answer.
 */
export const MAX_SSE_EVENT_CHARS = 1_000_000;

/**
 * The SSE messages of an HTTP response body (a `node:http` response, a web
 * `ReadableStream`, any async iterable of bytes), decoded as UTF-8: characters
 * and lines split across reads are reassembled. `onComment` runs for each
 * comment line (`: keep-alive`), which carries no message but shows the
 * upstream is alive. An event larger than `maxEventChars` ends the iteration
 * with a `malformed` fault; a body that errors (reset, abort) rethrows its
 * error. Leaving the loop early returns the body's iterator (which cancels a
 * web stream; see `Readable.iterator({ destroyOnReturn })` for a node stream).
 */
export async function* sseMessages(
  body: AsyncIterable<Uint8Array | string>,
  provider: string,
  onComment: () => void,
  maxEventChars = MAX_SSE_EVENT_CHARS,
): AsyncGenerator<EventSourceMessage> {
  // Callback-based parser, no web streams: per read, collect the messages it completes, then yield them.
  let ready: EventSourceMessage[] = [];
  let overflow: ParseError | undefined;
  const parser = createParser({
    onEvent: (message) => ready.push(message),
    onComment,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflow = error;
    },
    maxBufferSize: maxEventChars,
  });
  const decoder = new TextDecoder();
  for await (const piece of body) {
    parser.feed(typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true }));
    if (overflow) {
      throw new LlmUnavailable('malformed', `LLM upstream ${provider} sent an SSE event over ${maxEventChars} characters`, {}, { cause: overflow });
    }
    const messages = ready;
    ready = [];
    yield* messages;
  }
}
