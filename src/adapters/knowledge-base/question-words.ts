/**
 * Words that shape a question but say nothing about its topic ("怎么",
 * "多少", "how"). They still take part in BM25 ranking (where their low
 * IDF makes them nearly harmless), but not in judging how much of a question
 * a passage answers, and not in picking the sentences of an answer.
 */
export const QUESTION_WORDS: ReadonlySet<string> = new Set(
  (
    '怎么 怎样 怎么样 怎么办 办 如何 什么 什么样 哪些 哪里 哪儿 哪个 哪 为什么 为何 吗 呢 吧 啊 呀 请问 是 的 了 ' +
    '我 我们 你 您 他 它 可以 能 能否 会 需要 要 一下 多少 几 有 在 和 与 或 及 该 时候 有没有 是否 ' +
    'the a an is are was to of for in on and or how what which when where why who do does did can could should i my we you it'
  ).split(' '),
);

/** Whether a tokenizer term (`w:…` / `b:…`) is a question word. */
export function isQuestionWord(term: string): boolean {
  return QUESTION_WORDS.has(term.slice(2));
}
