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
  /**
   * While the output may still be an unopened block (`startsInThink`): all
   * text so far, kept in case no `</think>` ever comes and it was the answer.
   */
  private unopened?: string;

  /**
   * `startsInThink`: the model's chat template opens `<think>` in the prompt
   * (DeepSeek-R1 distills on vLLM or Ollama without a reasoning parser), so
   * its output starts inside the block and only the closing tag shows. Text up
   * to the first `</think>` is then dropped; when the stream ends without one,
   * the model did not reason and that text is the answer, sent at the end.
   */
  constructor(options: { startsInThink?: boolean } = {}) {
    if (options.startsInThink) this.unopened = '';
  }

  push(piece: string): string {
    if (this.unopened !== undefined) {
      const text = this.unopened + piece;
      const at = text.indexOf(CLOSE);
      if (at < 0) {
        this.unopened = text;
        return '';
      }
      this.unopened = undefined;
      this.trimNext = true;
      return this.push(text.slice(at + CLOSE.length));
    }
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
    if (this.unopened !== undefined) {
      // No `</think>` came: there was no reasoning, all of it is the answer (with any `<think>` blocks of its own dropped).
      const text = this.unopened;
      this.unopened = undefined;
      return this.push(text) + this.flush();
    }
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
