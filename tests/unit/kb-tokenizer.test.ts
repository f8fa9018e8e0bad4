import { expect } from 'chai';
import { tokenize } from '../../src/adapters/knowledge-base/zh-tokenizer.js';

describe('zh tokenizer', () => {
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
