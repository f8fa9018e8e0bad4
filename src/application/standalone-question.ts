import type { ChatMessage } from '../domain/chat-turn.js';

/**
 * A follow-up made standalone without a model: when `question` is short or
 * leans on what came before ("那这个怎么弄？", "还有呢"), the topic words of
 * the previous user questions are put in front of it, so retrieval searches
 * for what the user is talking about. A question that stands on its own is
 * returned as it is. Only for retrieval: the model still reads the
 * conversation and the question as asked.
 */
export function carryTopic(history: readonly ChatMessage[], question: string): string {
  if (!leansOnPrevious(question)) return question;
  const topic: string[] = [];
  let looked = 0;
  for (let i = history.length - 1; i >= 0 && looked < MAX_QUESTIONS_BACK; i--) {
    const message = history[i];
    if (message?.role !== 'user') continue;
    looked += 1;
    const earlier = readWords(message.content);
    // Newest first, but in their own order within each question.
    const words = earlier.words.filter((w) => !question.includes(w) && !topic.includes(w));
    topic.unshift(...words);
    // A previous question that stood on its own holds the whole topic; one that leaned too points further back.
    if (words.length > 0 && !leans(earlier)) break;
  }
  const carried = topic.slice(-MAX_TOPIC_WORDS);
  return carried.length > 0 ? `${carried.join(' ')} ${question}` : question;
}

/**
 * Whether `question` needs the previous one to be understood: next to no
 * words of its own, or a pointer back (这个, 它, 上面, 还有…) and few words.
 */
export function leansOnPrevious(question: string): boolean {
  return !surelyStandsAlone(question) && leans(readWords(question));
}

/**
 * Whether `question` might lean on the conversation, told generously: it
 * contains a pointer back anywhere (这, 那个, 它, 还有, 也, 呢…), or next to no
 * words of its own. Only such a question is worth a model's rewrite: one
 * that could not be a follow-up ("打印机怎么设置双面打印？") would cost a
 * model call before the answer for nothing, on every turn with history.
 */
export function mayLeanOnPrevious(question: string): boolean {
  const text = question.slice(0, MAX_SCAN_CHARS);
  return hasPointer(text) || ownChars(text) <= MIN_OWN_CHARS;
}

/**
 * The words that carry a question's topic: the runs of text left between its
 * question words, function words and punctuation ("VPN 连不上怎么办？" →
 * `VPN`, `连不上`). Runs, not single segments: the segmenter's dictionary
 * cuts many terms into characters (重|置|域|账|号), and a run keeps them
 * whole. A lone CJK character (弄, 办) is dropped; a Latin word or number is kept.
 */
export function contentWords(text: string): string[] {
  return readWords(text).words;
}

/** What a text says for the rules above: its topic words, and whether it has a pointer back. */
interface ReadText {
  readonly words: string[];
  readonly pointsBack: boolean;
}

function leans({ words, pointsBack }: ReadText): boolean {
  const own = words.reduce((n, w) => n + w.length, 0);
  return own <= MIN_OWN_CHARS || (own <= POINTER_OWN_CHARS && pointsBack);
}

/** One pass of the segmenter, the costly part (it runs on every turn that has history), for both rules. */
function readWords(text: string): ReadText {
  const words: string[] = [];
  let pointsBack = false;
  let run = '';
  const close = () => {
    if (run.length >= 2 || /^[\p{Script=Latin}\d]+$/u.test(run)) words.push(run);
    run = '';
  };
  for (const s of WORDS.segment(text.slice(0, MAX_SCAN_CHARS))) {
    const pointer = s.isWordLike === true && POINTERS.has(s.segment);
    pointsBack ||= pointer;
    if (s.isWordLike && !pointer && !STOP.has(s.segment.toLowerCase())) run += s.segment;
    else close();
  }
  close();
  return { words, pointsBack };
}

/**
 * True when `question` does not lean, told without the segmenter (most questions on most
 * turns). A letter or digit that occurs in no pointer or function word is part of a topic
 * word whatever the segmenter makes of it (its segment is word-like and cannot be a pointer
 * or function word), and two or more such characters in a row are a run that is kept: so
 * those runs' lengths add up to no more than the question's own characters. And a question
 * that contains no pointer as a substring has no pointer segment.
 */
function surelyStandsAlone(question: string): boolean {
  const text = question.slice(0, MAX_SCAN_CHARS);
  const own = ownChars(text);
  if (own > POINTER_OWN_CHARS) return true;
  return own > MIN_OWN_CHARS && !hasPointer(text);
}

/** Whether `text` contains a pointer back (这, 它, 还有…) anywhere, even inside a longer word: told without the segmenter. */
function hasPointer(text: string): boolean {
  return POINTER_WORDS.some((p) => text.includes(p));
}

/** At most the characters of `text` that topic words can have (see `surelyStandsAlone`), counted without the segmenter. */
function ownChars(text: string): number {
  let own = 0;
  let row = 0;
  for (const c of text) {
    if (LETTER_OR_DIGIT.test(c) && !RULE_CHARS.has(c.toLowerCase())) {
      row += 1;
      continue;
    }
    if (row >= 2) own += row;
    row = 0;
  }
  if (row >= 2) own += row;
  return own;
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

// Intl's Chinese word dictionary, so the application needs no tokenizer adapter.
const WORDS = new Intl.Segmenter('zh', { granularity: 'word' });

/** Words that point back at what was said before (这个, 它, 上面, 还有…). */
export const POINTER_WORDS: readonly string[] =
  '这个 那个 这些 那些 这样 那样 这种 那种 这里 那里 这儿 那儿 它 它们 他 她 这 那 此 该 上面 上述 以上 前面 刚才 刚刚 之前 还有 那么 另外 其他 其它 同样 也 呢'.split(' ');
const POINTERS = new Set(POINTER_WORDS);

/** Question and function words: never a topic. */
const STOP = new Set(
  ('怎么 怎样 怎么样 如何 什么 为什么 为何 哪 哪里 哪个 哪些 多少 几 吗 吧 啊 呀 嘛 的 了 着 过 是 不是 我 你 您 我们 你们 ' +
    '请问 请 一下 可以 能 能不能 可不可以 要 需要 会 在 有 没有 没 不 和 与 或 或者 就 都 还 又 再 办 弄 做 用 说 说的 ' +
    '意思 问题 一个 知道 告诉 帮 帮忙 处理 解决 然后 现在 你好 您好 在吗 谢谢 好的 嗯 哦 ok').split(' '),
);

/** Every character of a pointer or function word (lower case, as function words are matched). */
const RULE_CHARS = new Set([...POINTERS, ...STOP].join(''));

/** A question with this many characters of its own or fewer always leans on the previous one. */
const MIN_OWN_CHARS = 2;
/** With a pointer back, a question with this many characters of its own or fewer leans on the previous one. */
const POINTER_OWN_CHARS = 6;
/** How many earlier user questions are searched for the topic. */
const MAX_QUESTIONS_BACK = 3;
/** At most this many topic words are carried. */
const MAX_TOPIC_WORDS = 8;
/** A question is segmented only this far: a follow-up is short, and the segmenter's work grows with the text. */
const MAX_SCAN_CHARS = 500;
