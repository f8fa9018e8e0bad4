import type { EventSourceMessage } from 'eventsource-parser';
import { EventSourceParserStream, ParseError } from 'eventsource-parser/stream';
import { LlmUnavailable } from './llm-fault.js';

/**
 * Longest SSE event (or unterminated line) we hold, in characters. A chat chunk is a few
 * kilobytes at most; anything near this is a broken upstream, not an answer.
 */
export const MAX_SSE_EVENT_CHARS = 1_000_000;

/**
 * The SSE messages of an HTTP response body, decoded as UTF-8 (characters and lines split
 * across reads are reassembled). `onComment` runs for each comment line (`: keep-alive`),
 * which carries no message but shows the upstream is alive. An event larger than
 * `maxEventChars` ends the iteration with a `malformed` fault; a body that errors (reset,
 * abort) rethrows its error. Leaving the loop early cancels the body.
 */
export async function* sseMessages(
  body: ReadableStream<Uint8Array>,
  provider: string,
  onComment: () => void,
  maxEventChars = MAX_SSE_EVENT_CHARS,
): AsyncGenerator<EventSourceMessage> {
  const messages = body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream({ onComment, maxBufferSize: maxEventChars }));
  try {
    yield* messages;
  } catch (error) {
    if (error instanceof ParseError && error.type === 'max-buffer-size-exceeded') {
      throw new LlmUnavailable('malformed', `LLM upstream ${provider} sent an SSE event over ${maxEventChars} characters`, {}, { cause: error });
    }
    throw error;
  }
}
