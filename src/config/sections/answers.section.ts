import { defineSection, str } from '../section.js';

export const DEFAULT_HANDOFF_PHRASES = '转人工|人工客服|找人工|人工服务|真人客服|接人工|要人工|human agent|talk to a human|real person';
export const DEFAULT_HANDOFF_REPLY = '好的，正在为您转接人工客服，请稍候。';
export const DEFAULT_SMALL_TALK_REPLY = '您好，我是 IT 服务台的智能助手，请直接描述您遇到的 IT 问题。';
export const DEFAULT_THANKS_REPLY = '不客气，还有其他问题随时问我。';

/** What the bot says without consulting its knowledge: hand-off to a person, greetings and thanks. */
export const answersSection = defineSection({
  env: {
    HANDOFF_PHRASES: str(DEFAULT_HANDOFF_PHRASES),
    HANDOFF_REPLY: str(DEFAULT_HANDOFF_REPLY),
    SMALL_TALK_REPLY: str(DEFAULT_SMALL_TALK_REPLY),
    THANKS_REPLY: str(DEFAULT_THANKS_REPLY),
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
  }),
});
