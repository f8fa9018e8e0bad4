import { bool, defineSection, int, num, str } from '../section.js';

export const DEFAULT_HANDOFF_PHRASES = '转人工|人工客服|找人工|人工服务|真人客服|接人工|要人工|human agent|talk to a human|real person';
export const DEFAULT_HANDOFF_REPLY = '好的，正在为您转接人工客服，请稍候。';
export const DEFAULT_SMALL_TALK_REPLY = '您好，我是 IT 服务台的智能助手，请直接描述您遇到的 IT 问题。';
export const DEFAULT_THANKS_REPLY = '不客气，还有其他问题随时问我。';

/**
 * What the bot says without consulting its knowledge (hand-off to a person,
 * greetings and thanks), and when it answers without the model or not at all
 * (FAQ entries answered directly, nothing found, follow-up questions).
 */
export const answersSection = defineSection({
  env: {
    HANDOFF_PHRASES: str(DEFAULT_HANDOFF_PHRASES),
    HANDOFF_REPLY: str(DEFAULT_HANDOFF_REPLY),
    SMALL_TALK_REPLY: str(DEFAULT_SMALL_TALK_REPLY),
    THANKS_REPLY: str(DEFAULT_THANKS_REPLY),
    NO_ANSWER_REPLY: str(),
    NO_RECALL_ASK_MODEL: bool(false),
    // Provisional: to be tuned with `npm run eval` so that direct answers stay right.
    KB_FAQ_DIRECT_SCORE: num(0, 1, 0.9),
    KB_FAQ_DIRECT_MARGIN: num(0, 1, 0.1),
    REWRITE_TIMEOUT_MS: int(100, 60_000, 4000),
    REWRITE_MIN_REMAINING_MS: int(0, 600_000, 15_000),
  },
  build: (v) => ({
    /** A question containing one of these (`|`-separated, case-insensitive) asks for a person. */
    handoffPhrases: String(v.HANDOFF_PHRASES)
      .split('|')
      .map((p) => p.trim().toLowerCase())
      .filter(Boolean),
    /** The reply to a hand-off request (`answer_success: 0`, so Yishiting passes the user on). */
    handoffReply: v.HANDOFF_REPLY as string,
    /** The reply to a greeting. */
    smallTalkReply: v.SMALL_TALK_REPLY as string,
    /** The reply to thanks. */
    thanksReply: v.THANKS_REPLY as string,
    /** The reply when nothing relevant was recalled or the model found no answer; unset: the built-in one. */
    noAnswerReply: v.NO_ANSWER_REPLY as string | undefined,
    /** Ask the model even when nothing relevant was recalled. */
    noRecallAskModel: v.NO_RECALL_ASK_MODEL as boolean,
    /** An FAQ entry this sure (0..1) and this far ahead of the runner-up is answered with its stored answer. */
    faqDirect: { score: v.KB_FAQ_DIRECT_SCORE as number, margin: v.KB_FAQ_DIRECT_MARGIN as number },
    /** A follow-up is rewritten by the model within this time, and only if this much of the deadline is left after it. */
    rewrite: { timeoutMs: v.REWRITE_TIMEOUT_MS as number, minRemainingMs: v.REWRITE_MIN_REMAINING_MS as number },
  }),
});
