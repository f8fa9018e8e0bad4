const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Drops `<think>…</think>` blocks from streamed text. Reasoning models served
 * by vLLM, Ollama and others put their chain of thought inline this way; it is
 * not part of the answer. A tag may arrive split across pieces at any
 * character, so a piece ending in what could be the start of a tag is held
 * back until the next piece settles it. Whitespace right after a block (models
 * emit `\n\n` there) is dropped too, so the answer does not start blank.
 */
export class ThinkBlockFilter {
  private inside = false;
  private held = '';
  private trimNext = false;

  push(piece: string): string {
    let text = this.held + piece;
    this.held = '';
    let out = '';
    for (;;) {
      const tag = this.inside ? CLOSE : OPEN;
      const at = text.indexOf(tag);
      if (at >= 0) {
        if (!this.inside) out += this.visible(text.slice(0, at));
        text = text.slice(at + tag.length);
        this.inside = !this.inside;
        if (!this.inside) this.trimNext = true;
        continue;
      }
      const keep = partialTagSuffix(text, tag);
      if (!this.inside) out += this.visible(text.slice(0, text.length - keep));
      this.held = text.slice(text.length - keep);
      return out;
    }
  }

  /** What is still held back once the stream ends (an unclosed block is dropped). */
  flush(): string {
    const rest = this.inside ? '' : this.visible(this.held);
    this.held = '';
    return rest;
  }

  private visible(text: string): string {
    if (!this.trimNext) return text;
    const trimmed = text.trimStart();
    if (trimmed) this.trimNext = false;
    return trimmed;
  }
}

/** Length of the longest end of `text` that is a proper start of `tag`. */
function partialTagSuffix(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}
