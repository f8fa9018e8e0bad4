/** One frame of the protocol's `/chat` stream, as the load generator sees it. */
export interface DeltaFrame {
  readonly response: string;
  readonly finished: boolean;
}

/**
 * Splits an SSE byte stream into frames as chunks arrive. A frame may be cut
 * anywhere by TCP, including inside a multi-byte character, so bytes are
 * decoded with a streaming decoder and only complete frames (ended by a blank
 * line) are parsed. Comment lines (`: keep-alive`) are skipped.
 */
export class SseFrameReader {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private pending = '';

  /** Feeds a chunk; returns the frames it completed, in order. Throws on a malformed frame. */
  push(chunk: Uint8Array): DeltaFrame[] {
    this.pending += this.decoder.decode(chunk, { stream: true });
    const frames: DeltaFrame[] = [];
    for (let end = this.pending.indexOf('\n\n'); end !== -1; end = this.pending.indexOf('\n\n')) {
      const block = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 2);
      const frame = parseBlock(block);
      if (frame) frames.push(frame);
    }
    return frames;
  }

  /** True when bytes of an unfinished frame are still waiting. */
  get hasPartialFrame(): boolean {
    return this.pending.trim() !== '';
  }
}

function parseBlock(block: string): DeltaFrame | undefined {
  let event: string | undefined;
  let data: string | undefined;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    if (line.startsWith('event:')) event = line.slice(6);
    else if (line.startsWith('data:')) data = line.slice(5);
    else throw new Error(`unexpected SSE line: ${line.slice(0, 80)}`);
  }
  if (event === undefined && data === undefined) return undefined;
  if (event !== 'delta' || data === undefined) throw new Error(`malformed frame: ${block.slice(0, 120)}`);
  const parsed = JSON.parse(data) as { response?: unknown; finished?: unknown };
  if (typeof parsed.response !== 'string' || typeof parsed.finished !== 'boolean') {
    throw new Error(`frame without response/finished: ${data.slice(0, 120)}`);
  }
  return { response: parsed.response, finished: parsed.finished };
}
