/** How turns are run: settings the composition root derives from config. */
export interface TurnPolicy {
  /** Every turn ends by this many ms after the call arrived (`CHAT_DEADLINE_MS`). */
  readonly deadlineMs: number;
  /**
   * When set and the knowledge base found nothing, reply this instead of asking
   * the LLM, with `answer_success: 0` (an extractive bot cannot answer without documents).
   */
  readonly noRecallReply?: string;
  /**
   * Longest answer, in characters (`ANSWER_MAX_CHARS`): past it the model is
   * stopped and the answer ends with what it has and `ANSWER_CUT_NOTE`, so a
   * runaway upstream cannot grow a turn's memory until the deadline.
   */
  readonly answerMaxChars?: number;
  /** Phrases that ask for a person, and the replies that need no knowledge (`answers` config section). */
  readonly intents?: {
    readonly handoffPhrases: readonly string[];
    readonly handoffReply: string;
    readonly smallTalkReply: string;
    readonly thanksReply: string;
  };
  /** The polite reply to a `msg_type` other than `text`. */
  readonly unsupportedMsgTypeReply: string;
}

export const DEFAULT_UNSUPPORTED_MSG_TYPE_REPLY =
  '抱歉，我目前只能理解文字消息，请用文字描述您的问题。';

/** Appended to an answer cut at `ANSWER_MAX_CHARS`. */
export const ANSWER_CUT_NOTE = '\n\n（回答过长，已截断。）';
