/**
 * One question from Yishiting, as the rest of the service sees it.
 * Plain data: validated and normalised by the HTTP adapter before it gets here.
 */
export interface ChatTurn {
  /** Unique per call; on every log line and in every reply of this call. */
  readonly traceId: string;
  /** Who asks (Yishiting's `user`). */
  readonly user: string;
  /** `text` today; anything else gets a polite reply. */
  readonly msgType: string;
  /** The question, well-formed UTF-16 (lone surrogates already replaced). */
  readonly content: string;
  /** Yishiting's id of this message, when it sent one. */
  readonly msgId?: string;
  /** The conversation this turn belongs to, when Yishiting sent one. */
  readonly sessionId?: string;
  /** Business / knowledge spaces the question belongs to (may be empty). */
  readonly businessKeys: readonly string[];
  /** When the call arrived (ms since epoch): the deadline counts from here. */
  readonly receivedAt: number;
}

/** A message of the conversation as an LLM sees it. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}
