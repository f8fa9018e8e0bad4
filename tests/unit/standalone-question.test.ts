import { expect } from 'chai';
import { usableQuestion } from '../../src/application/question-rewrite.js';
import { carryTopic, contentWords, leansOnPrevious, POINTER_WORDS } from '../../src/application/standalone-question.js';
import type { ChatMessage } from '../../src/domain/chat-turn.js';

const exchange = (question: string, answer = '好的。'): ChatMessage[] => [
  { role: 'user', content: question },
  { role: 'assistant', content: answer },
];

describe('standalone questions without a model: carrying the previous topic', () => {
  const vpn = exchange('VPN 连不上怎么办？', '请重启 VPN 客户端。');

  it('when the follow-up only points back, then the previous question\'s topic words are put in front of it', () => {
    expect(carryTopic(vpn, '那这个怎么弄？')).to.equal('VPN 连不上 那这个怎么弄？');
    expect(carryTopic(vpn, '它要收费吗')).to.equal('VPN 连不上 它要收费吗');
    expect(carryTopic(vpn, '还有呢')).to.equal('VPN 连不上 还有呢');
  });

  it('when the question stands on its own, then it is left as it is', () => {
    expect(carryTopic(vpn, '打印机连不上怎么办')).to.equal('打印机连不上怎么办');
    expect(carryTopic(vpn, '怎么重置域账号密码')).to.equal('怎么重置域账号密码');
    expect(leansOnPrevious('Outlook 收不到邮件怎么办')).to.equal(false);
  });

  it('when a question points back, then it leans only with few words of its own (six characters at most)', () => {
    expect(leansOnPrevious('这个打印机连不上')).to.equal(true);
    expect(leansOnPrevious('打印机连不上')).to.equal(false);
    expect(leansOnPrevious('这个 Outlook 密码重置了')).to.equal(false);
  });

  it('when the previous question leaned too, then the topic is found further back', () => {
    const history = [...vpn, ...exchange('那这个怎么弄？')];
    expect(carryTopic(history, '它要收费吗')).to.equal('VPN 连不上 它要收费吗');
  });

  it('when there is nothing to carry, then the question is unchanged', () => {
    expect(carryTopic([], '那这个怎么弄？')).to.equal('那这个怎么弄？');
    expect(carryTopic(exchange('你好'), '这个呢')).to.equal('这个呢');
  });

  it('when words are taken, then question and function words are left out and terms cut by the segmenter stay whole', () => {
    expect(contentWords('VPN 连不上怎么办？')).to.deep.equal(['VPN', '连不上']);
    expect(contentWords('怎么重置域账号密码')).to.deep.equal(['重置域账号密码']);
    expect(contentWords('那这个怎么弄？')).to.deep.equal([]);
  });
});

describe('leaning on the previous question: the shortcut that skips the segmenter', () => {
  const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
  const pointers = new Set(POINTER_WORDS);
  /** The rule as documented, read from the segmenter alone. */
  const leansByRule = (question: string) => {
    const own = contentWords(question).reduce((n, w) => n + w.length, 0);
    const pointsBack = Array.from(segmenter.segment(question.slice(0, 500))).some((s) => s.isWordLike && pointers.has(s.segment));
    return own <= 2 || (own <= 6 && pointsBack);
  };
  const pieces = [
    ...POINTER_WORDS,
    ...'怎么 如何 吗 的 了 是 我 要 能 办 弄 ok OK Ok 问题 一下 请问'.split(' '),
    ...'打印机 密码 重置 VPN Outlook 配置 回调 地址 账号 连不上 收费 123 邮件 一 个 上 网 好 里 也许 他人 ＯＫ'.split(' '),
    '？', '，', ' ', '。', '!', '👍', '_', 'é', '\u0301', '한국',
  ];

  it('when 10,000 questions are made of pointers, function words, topic words and punctuation, then each leans exactly as the rule says', () => {
    let seed = 17;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let leaning = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const question = Array.from({ length: random(9) }, () => pieces[random(pieces.length)]).join('');
      const expected = leansByRule(question);
      if (leansOnPrevious(question) !== expected) expect.fail(`${JSON.stringify(question)}: expected leaning ${expected}`);
      if (expected) leaning += 1;
    }
    // Both kinds were met plenty, so the comparison says something.
    expect(leaning).to.be.within(1_000, 9_000);
  });
});

describe('standalone questions from a model: what is kept of its reply', () => {
  it('when the model wraps the question, then the label, quotes, reasoning and further lines are dropped', () => {
    expect(usableQuestion('改写后的问题：“VPN 客户端怎么安装？”', '那这个怎么弄？')).to.equal('VPN 客户端怎么安装？');
    expect(usableQuestion('<think>用户指的是 VPN</think>\n\nVPN 客户端怎么安装？\n（补全了指代）', '那这个怎么弄？')).to.equal('VPN 客户端怎么安装？');
  });

  it('when the reply is empty or an answer rather than a question, then there is none', () => {
    expect(usableQuestion(' \n ', '这个呢')).to.equal(undefined);
    expect(usableQuestion('请先打开设置。'.repeat(40), '这个呢')).to.equal(undefined);
  });
});
