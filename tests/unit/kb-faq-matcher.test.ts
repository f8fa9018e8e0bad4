import { expect } from 'chai';
import type { FaqEntry } from '../../src/adapters/knowledge-base/ingest/blocks.js';
import { FaqMatcher, swapsWord } from '../../src/adapters/knowledge-base/index/faq-matcher.js';

const entry = (id: string, question: string, similar: string[] = []): FaqEntry => ({ id, question, answer: `${id} 的答案`, similar, source: 'faq.jsonl' });

describe('FAQ matching by the best question of each entry', () => {
  const entries = [
    entry('vpn', 'VPN 连接不上怎么办', ['远程办公连不上内网', '在家访问不了公司系统', '外网登录 OA 失败', '出差时打不开内网网页', 'EasyConnect 报错']),
    entry('printer', '打印机卡纸怎么处理', ['打印机夹纸了', '打印出来一半卡住']),
    entry('password', '如何重置域账号密码', ['忘记开机密码', '密码过期了怎么改']),
    entry('mail', '邮箱容量满了怎么办', ['收不到邮件提示空间不足']),
  ];
  const matcher = new FaqMatcher(entries);

  it('when the user types one of an entry\'s similar questions, then that entry comes first with a score of 1', () => {
    const [best] = matcher.match('在家访问不了公司系统', 3);
    expect(entries[best!.entry]?.id).to.equal('vpn');
    expect(best!.score).to.be.closeTo(1, 1e-9);
    expect(best!.question).to.equal('在家访问不了公司系统');
  });

  it('when an entry has many similar questions, then their words do not drown a close wording of another entry', () => {
    const [best] = matcher.match('打印机夹纸了怎么办', 3);
    expect(entries[best!.entry]?.id).to.equal('printer');
    expect(best!.question).to.equal('打印机夹纸了');
  });

  it('when a long question holds most of the user\'s words among many others and a short one is worded like the user\'s, then the short one comes first', () => {
    const it = new FaqMatcher([
      entry('update-notice', '电脑系统更新通知怎么没收到'),
      entry('slow-after-update', '电脑收到系统更新的通知以后没有重启，为什么第二天开机特别慢，而且风扇一直响，屏幕也会闪'),
      entry('printer', '打印机'),
      entry('expenses', '报销'),
    ]);
    // BM25 alone put the long one first (it has 收到, 系统, 更新, 通知 and 没有); the characters' overlap weighs the shape too.
    const found = it.match('为什么电脑没有收到系统更新的通知', 3);
    expect(found.map((f) => it.entries[f.entry]?.id).slice(0, 2)).to.deep.equal(['update-notice', 'slow-after-update']);
    expect(found[1]!.score).to.be.below(found[0]!.score);
  });

  it('when the user words a question differently, then the score is lower than for the same wording and each entry appears once', () => {
    const found = matcher.match('密码忘了怎么办', 4);
    expect(entries[found[0]!.entry]?.id).to.equal('password');
    expect(found[0]!.score).to.be.below(0.9);
    expect(new Set(found.map((f) => f.entry)).size).to.equal(found.length);
    for (let i = 1; i < found.length; i++) expect(found[i]!.score).to.be.at.most(found[i - 1]!.score);
  });

  it("when the user writes the entry's words in their own spelling (登不上 / 无法登录, 帐号 / 账号, 咋 / 怎么), then that entry comes first", () => {
    const it = new FaqMatcher([
      entry('mail-login', '无法登录邮箱怎么办'),
      entry('mail-full', '邮箱容量满了怎么办'),
      entry('account', '域账号被锁定怎么解锁'),
      entry('oa-login', '无法登录 OA 系统'),
    ]);
    const best = (q: string) => it.entries[it.match(q, 3)[0]!.entry]?.id;
    expect(best('邮箱登不上咋办')).to.equal('mail-login');
    expect(best('帐号被锁定了咋解锁')).to.equal('account');
    expect(it.match('邮箱登不上咋办', 3)[0]!.score).to.be.above(0.6);
  });

  it('when nothing of the question is in any entry, then nothing matches', () => {
    expect(matcher.match('今天食堂吃什么', 3).every((m) => m.score < 0.3)).to.equal(true);
    expect(matcher.match('', 3)).to.deep.equal([]);
  });

  it('when a filter excludes entries (another space), then they are not returned', () => {
    const found = matcher.match('在家访问不了公司系统', 3, (e) => entries[e]?.id !== 'vpn');
    expect(found.map((f) => entries[f.entry]?.id)).to.not.include('vpn');
  });

  it('when two wordings each have a topic word the other lacks, then they swap a word; a word only one side has, or question words, do not', () => {
    expect(swapsWord('VPN 账号会自动续期吗', 'WiFi 账号会自动续期吗')).to.equal(true);
    expect(swapsWord('怎么开通 VPN', '怎么关闭 VPN')).to.equal(true);
    expect(swapsWord('邮箱收件失败怎么办', '邮箱发件失败怎么办')).to.equal(true);
    expect(swapsWord('我的打印机卡纸了', '打印机卡纸了')).to.equal(false); // only one side has a word more
    expect(swapsWord('打印机怎样连', '打印机怎样连接')).to.equal(false); // 连 is inside 连接
    expect(swapsWord('VPN 连接不上怎么办', 'vpn 连接不上')).to.equal(false); // case and question words
  });

  it('when the best entry swaps a word of the question, then the match says so (it is not answered directly)', () => {
    const swapping = new FaqMatcher([entry('open', '怎么开通 VPN 账号'), entry('mail', '邮箱容量满了怎么办')]);
    expect(swapping.match('怎么注销 VPN 账号', 2)[0]).to.include({ question: '怎么开通 VPN 账号', swapsWord: true });
    expect(swapping.match('VPN 账号怎么开通', 2)[0]).to.include({ question: '怎么开通 VPN 账号', swapsWord: false });
  });
});
