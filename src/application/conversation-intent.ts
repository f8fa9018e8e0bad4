/**
 * What a message asks for before any knowledge is consulted: a person, a
 * greeting or thanks, or (most of the time) an answer. Matched on the whole
 * message with punctuation, spaces and filler particles removed, so
 * "你好呀！" is a greeting while "你好，VPN 连不上" is a question.
 */
export type Intent = 'handoff' | 'greeting' | 'thanks' | 'question';

export interface IntentOptions {
  /** Lowercased phrases that ask for a person (`HANDOFF_PHRASES`), matched anywhere in the message. */
  readonly handoffPhrases: readonly string[];
}

/** The replies that need no knowledge, and the phrases that ask for a person (the policy's `intents`). */
export interface IntentReplies extends IntentOptions {
  readonly handoffReply: string;
  readonly smallTalkReply: string;
  readonly thanksReply: string;
}

/** The reply to a message that needs no knowledge (a hand-off request, a greeting, thanks), if it is one. */
export function replyWithoutKnowledge(content: string, intents: IntentReplies | undefined): { text: string; reason: 'handoff_requested' | 'small_talk' } | undefined {
  if (!intents) return undefined;
  const intent = detectIntent(content, intents);
  if (intent === 'handoff') return { text: intents.handoffReply, reason: 'handoff_requested' };
  if (intent === 'greeting') return { text: intents.smallTalkReply, reason: 'small_talk' };
  if (intent === 'thanks') return { text: intents.thanksReply, reason: 'small_talk' };
  return undefined;
}

export function detectIntent(text: string, options: IntentOptions): Intent {
  const lower = text.toLowerCase();
  if (options.handoffPhrases.some((p) => lower.includes(p))) return 'handoff';
  const bare = lower.replace(/[\p{P}\p{S}\s]+/gu, '').replace(FILLER, '');
  if (bare.length === 0 || bare.length > 12) return 'question';
  if (GREETINGS.has(bare)) return 'greeting';
  if (THANKS.has(bare)) return 'thanks';
  return 'question';
}

/** Particles that do not change what a short message means (你好呀 = 你好). */
const FILLER = /[呀啊哈呢吧嘛哦喔噢哇啦]+$/u;

const GREETINGS = new Set([
  '你好', '您好', '你们好', '大家好', '在吗', '在不在', '有人吗', '有人在吗', '哈喽', '嗨', 'hello', 'hi', 'hey',
  '早', '早上好', '上午好', '中午好', '下午好', '晚上好', '机器人你好', '小助手你好', '你好在吗', '您好在吗', 'goodmorning',
]);

const THANKS = new Set([
  '谢谢', '谢谢你', '谢谢您', '多谢', '感谢', '非常感谢', '太感谢了', '谢啦', '谢了', '好的谢谢', '好的谢谢你', '好谢谢',
  '明白了谢谢', '知道了谢谢', '解决了谢谢', 'thanks', 'thankyou', 'thx', 'ok谢谢', '好的', '好的收到', '收到', '明白了', '知道了', 'ok',
]);
