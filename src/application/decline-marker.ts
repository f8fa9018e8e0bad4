/**
 * What the model is told to reply, and nothing else, when the references do
 * not contain the answer. Plain ASCII that no answer starts with, so the
 * service can recognise it after a few characters.
 */
export const DECLINE_MARKER = '[[NO_ANSWER]]';

/** The instruction the system prompt carries whenever there are references to decline from. */
export const DECLINE_INSTRUCTION =
  `如果参考资料中没有能回答这个问题的内容，请只回复 ${DECLINE_MARKER}，不要输出任何其他文字。`;

/** `DeclineGate.push` returns this once the stream began with the marker. */
export const DECLINED = Symbol('declined');

/**
 * Watches the start of a model's answer for `DECLINE_MARKER`. It holds text
 * back only while everything so far (after leading whitespace) is still a
 * prefix of the marker; the moment the text diverges it hands back all it
 * held, and from then on passes every piece straight through: a marker
 * later in an answer is part of the answer. At most the marker's length
 * (plus leading whitespace) is ever held.
 */
export class DeclineGate {
  private held = '';
  private open = false;

  /** The text to send now (`''` while holding), or `DECLINED` once the whole marker came first. */
  push(text: string): string | typeof DECLINED {
    if (this.open) return text;
    this.held += text;
    const start = this.held.trimStart();
    if (start.startsWith(DECLINE_MARKER)) return DECLINED;
    if (DECLINE_MARKER.startsWith(start)) {
      // Leading whitespace alone is bounded too: past the marker's length of it, this is no marker.
      if (this.held.length - start.length <= MAX_LEADING_SPACE) return '';
    }
    this.open = true;
    const released = this.held;
    this.held = '';
    return released;
  }

  /** What is still held when the stream ends: a mere prefix of the marker is not the marker, so it goes out as written. */
  end(): string {
    this.open = true;
    const released = this.held;
    this.held = '';
    return released;
  }
}

/** More leading whitespace than this before the marker is not waited through. */
const MAX_LEADING_SPACE = 64;
