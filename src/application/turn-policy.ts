import type { IntentReplies } from './conversation-intent.js';

/** How turns are run: settings the composition root derives from config. */
export interface TurnPolicy {
  /** Every turn ends by this many ms after the call arrived (`CHAT_DEADLINE_MS`). */
  readonly deadlineMs: number;
  /**
   * What the bot says when it could not find the answer (`NO_ANSWER_REPLY`):
   * nothing relevant recalled, or the model found no answer in the references.
   * Sent with `answer_success: 0`, so Yishiting can pass the user to a person.
   * Default `DEFAULT_NO_ANSWER_REPLY`.
   */
  readonly noAnswerReply?: string;
  /**
   * Recalled documents scoring below this (0..1) do not count (`KB_MIN_SCORE`),
   * applied here to whatever the knowledge base returned: a remote retrieval
   * API may return low scores. Default 0.
   */
  readonly minScore?: number;
  /**
   * With nothing relevant recalled, ask the model anyway instead of sending
   * `noAnswerReply` (`NO_RECALL_ASK_MODEL`). Default false: the model is not called.
   */
  readonly noRecallAskModel?: boolean;
  /**
   * When the best recalled document is an FAQ entry scoring at least `score`
   * and at least `margin` above the runner-up, its stored answer is sent
   * verbatim without the model (`KB_FAQ_DIRECT_SCORE`, `KB_FAQ_DIRECT_MARGIN`).
   * Unset: FAQ entries are only context.
   */
  readonly faqDirect?: { readonly score: number; readonly margin: number };
  /**
   * A follow-up question is made standalone by the model (when it can) only
   * if, after at most `timeoutMs`, at least `minRemainingMs` of the deadline
   * would be left for the answer (`REWRITE_TIMEOUT_MS`, `REWRITE_MIN_REMAINING_MS`).
   * Default: `DEFAULT_REWRITE`.
   */
  readonly rewrite?: { readonly timeoutMs: number; readonly minRemainingMs: number };
  /**
   * Longest answer, in characters (`ANSWER_MAX_CHARS`): past it the model is
   * stopped and the answer ends with what it has and `ANSWER_CUT_NOTE`, so a
   * runaway upstream cannot grow a turn's memory until the deadline.
   */
  readonly answerMaxChars?: number;
  /** Phrases that ask for a person, and the replies that need no knowledge (`answers` config section). */
  readonly intents?: IntentReplies;
  /** The polite reply to a `msg_type` other than `text`. */
  readonly unsupportedMsgTypeReply: string;
}

export const DEFAULT_UNSUPPORTED_MSG_TYPE_REPLY =
  '抱歉，我目前只能理解文字消息，请用文字描述您的问题。';

/** The default `noAnswerReply`: says the bot could not find it, and that a person can help. */
export const DEFAULT_NO_ANSWER_REPLY =
  '抱歉，我在知识库里没有找到这个问题的答案。您可以换个说法再问，或回复“转人工”由人工客服为您处理。';

export const DEFAULT_REWRITE = { timeoutMs: 4000, minRemainingMs: 15_000 } as const;

/** Appended to an answer cut at `ANSWER_MAX_CHARS`. */
export const ANSWER_CUT_NOTE = '\n\n（回答过长，已截断。）';
