/** One SSE event as a client sees it: `event` name, joined `data` lines, and the raw block text. */
export interface SseBlock {
  readonly event: string | undefined;
  readonly data: string | undefined;
  /** Comment lines (`: keep-alive`) without the leading colon. */
  readonly comments: readonly string[];
  /** The block exactly as received, without its terminating blank line. */
  readonly raw: string;
}

/**
 * Cuts a text stream into SSE blocks as chunks arrive: a block ends at a
 * blank line, which may fall anywhere in a chunk or across two chunks.
 * Lenient on purpose (CRLF accepted): the conformance checker judges the
 * exact bytes separately.
 */
export class SseBlockReader {
  private buffer = '';

  /** Feeds one decoded chunk; returns the blocks it completed. */
  push(chunk: string): SseBlock[] {
    this.buffer += chunk.replaceAll('\r\n', '\n');
    const blocks: SseBlock[] = [];
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      if (raw !== '') blocks.push(parseSseBlock(raw));
      end = this.buffer.indexOf('\n\n');
    }
    return blocks;
  }

  /** What arrived after the last complete block (non-empty means the stream was cut mid-frame). */
  get leftover(): string {
    return this.buffer;
  }
}

/** Reads one block's fields per the SSE rules (one optional space after the colon). */
export function parseSseBlock(raw: string): SseBlock {
  let event: string | undefined;
  const data: string[] = [];
  const comments: string[] = [];
  for (const line of raw.split('\n')) {
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return { event, data: data.length > 0 ? data.join('\n') : undefined, comments, raw };
}
