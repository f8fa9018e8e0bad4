import { expect } from 'chai';
import { tokenize } from '../../src/adapters/knowledge-base/zh-tokenizer.js';

describe('zh tokenizer', () => {
  it("when users spell a word another way (登陆, 帐号, 咋) or say they cannot do it with a verb complement (登不上), then the terms are those of the documents' spelling", () => {
    const words = (text: string) => tokenize(text).filter((t) => t.startsWith('w:'));
    expect(words('邮箱登不上咋办')).to.include.members(['w:无法', 'w:登录', 'w:怎么']);
    expect(tokenize('帐号登陆失败')).to.include.members(['b:账号', 'w:登录']);
    expect(words('VPN 连不上')).to.include.members(['w:无法', 'w:连接']);
    // What is already spelled the documents' way is unchanged.
    expect(tokenize('帐号登陆失败')).to.deep.equal(tokenize('账号登录失败'));
  });

  it('when users shape a question in another common way (如何 / 怎样 / 怎么, 为何 / 什么原因 / 怎么回事 / 为什么, 可不可以 / 能不能 / 能否, 嘛 / 吗), then the terms are one form', () => {
    const same = (a: string, b: string) => expect(tokenize(a), `${a} / ${b}`).to.deep.equal(tokenize(b));
    same('如何重置密码', '怎么重置密码');
    same('怎样重置密码', '怎么重置密码');
    same('咋样重置密码', '怎么重置密码');
    same('为何连不上', '为什么连不上');
    same('连不上是什么原因', '连不上是为什么');
    same('打印机可不可以共享', '打印机能否共享');
    same('打印机能不能共享嘛', '打印机能否共享吗');
    // 什么情况 stays: 什么情况下可以退款 asks when, not why.
    expect(tokenize('什么情况下可以退款')).to.include('w:什么');
  });

  it('when given Chinese, then it yields dictionary words and character bigrams in separate term spaces', () => {
    const terms = tokenize('配置回调地址');
    expect(terms).to.include.members(['w:配置', 'w:地址']);
    // ICU splits 回调 into two characters; the bigram still keeps the word findable.
    expect(terms).to.include.members(['b:配置', 'b:置回', 'b:回调', 'b:调地', 'b:地址']);
    expect(terms.every((t) => /^[wb]:/.test(t))).to.equal(true);
  });

  it('when given English, then it yields lowercase words without punctuation and no bigrams', () => {
    expect(tokenize('Set the PORT, then restart!')).to.deep.equal(['w:set', 'w:the', 'w:port', 'w:then', 'w:restart']);
  });

  it('when given mixed text, then Latin words, numbers and Chinese all become terms', () => {
    const terms = tokenize('用 Nginx 代理 SSE，超时 75 秒');
    expect(terms).to.include.members(['w:nginx', 'w:sse', 'w:75', 'w:代理', 'b:代理', 'b:超时', 'b:用']);
    expect(terms).not.to.include('w:，');
    expect(terms.some((t) => t.includes(' '))).to.equal(false);
  });

  it('when a CJK run is one character long, then it becomes a unigram', () => {
    expect(tokenize('A 用 B')).to.include('b:用');
  });

  it('when given only punctuation and spaces, then it yields nothing', () => {
    expect(tokenize(' ，。！？ ... ')).to.deep.equal([]);
  });
});
