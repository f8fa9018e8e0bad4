import { createHash } from 'node:crypto';

/**
 * Spellings users type for words the documents spell another way, folded to
 * one form before text is tokenized — on both sides, so a document and a
 * question that use the same spelling still match exactly as before:
 * variant and mistyped characters (帐号 / 账号, 登陆 / 登录, 怎麽 / 怎么),
 * colloquial words (咋 / 怎么, 啥 / 什么, 删掉 / 删除), and "can't do X"
 * said with a verb complement (登不上, 连不上, 打不开) where documents
 * write 无法登录, 无法连接, 无法打开. Only the words users of any help desk
 * share are here, not one domain's vocabulary; what is shown to users (titles,
 * quotes, stored answers) keeps the original text.
 */
const FOLDS: Readonly<Record<string, string>> = {
  帐号: '账号',
  帐户: '账户',
  帐单: '账单',
  登陆: '登录',
  登入: '登录',
  怎麽: '怎么',
  咋样: '怎么',
  咋办: '怎么办',
  咋: '怎么',
  能不能: '能否',
  可不可以: '能否',
  可以不可以: '能否',
  能不可以: '能否',
  可否: '能否',
  是否可以: '能否',
  是不是可以: '能否',
  为何: '为什么',
  什么原因: '为什么',
  怎么回事: '为什么',
  如何: '怎么',
  怎样: '怎么',
  怎么样: '怎么',
  嘛: '吗',
  为啥: '为什么',
  干啥: '做什么',
  啥: '什么',
  忘了: '忘记',
  没法: '无法',
  没办法: '无法',
  删掉: '删除',
  删了: '删除',
  重设: '重置',
  退钱: '退款',
  还钱: '还款',
  登不上: '无法登录',
  登不了: '无法登录',
  登录不上: '无法登录',
  登录不了: '无法登录',
  连不上: '无法连接',
  连不了: '无法连接',
  连接不上: '无法连接',
  连接不了: '无法连接',
  上不了网: '无法上网',
  打不开: '无法打开',
  用不了: '无法使用',
  收不到: '无法收到',
  发不出: '无法发送',
  发不了: '无法发送',
};

// Longest first, so 登录不上 is folded whole rather than as 登录 + 不上.
const PATTERN = new RegExp(
  Object.keys(FOLDS)
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'gu',
);

/**
 * Names this table: a persisted index records it and is rebuilt when it
 * differs, since its terms were taken from text folded another way.
 */
export const WORDING_ID = createHash('sha256').update(JSON.stringify(Object.entries(FOLDS))).digest('hex').slice(0, 16);

/** `text` (already lowercased) with the spellings above folded; unchanged when it has none. */
export function foldWording(text: string): string {
  return text.replace(PATTERN, (word) => FOLDS[word] as string);
}
