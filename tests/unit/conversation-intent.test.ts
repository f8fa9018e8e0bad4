import { expect } from 'chai';
import { detectIntent } from '../../src/application/conversation-intent.js';
import { answersSection, DEFAULT_HANDOFF_PHRASES } from '../../src/config/sections/answers.section.js';

const options = answersSection.build({ HANDOFF_PHRASES: DEFAULT_HANDOFF_PHRASES } as never);

describe('conversation intent: what a message asks for before any knowledge is consulted', () => {
  it('when the user asks for a person in any of the usual ways, then it is a hand-off', () => {
    for (const text of ['转人工', '我要转人工客服', '人工客服在吗？', '找人工', 'Can I talk to a HUMAN AGENT please']) {
      expect(detectIntent(text, options), text).to.equal('handoff');
    }
  });

  it('when the message is only a greeting or thanks (with punctuation and particles), then it is small talk', () => {
    for (const text of ['你好', '您好！', '你好呀~', '在吗？', 'Hi', '早上好']) expect(detectIntent(text, options), text).to.equal('greeting');
    for (const text of ['谢谢', '谢谢你！', '好的，谢谢', 'thanks!', '多谢啦']) expect(detectIntent(text, options), text).to.equal('thanks');
  });

  it('when a greeting comes with a question, or the message is a question, then it is a question', () => {
    for (const text of ['你好，VPN 连不上怎么办', '谢谢，那打印机怎么装？', '怎么配置回调地址？', '人工智能是什么', '']) {
      expect(detectIntent(text, options), text).to.equal('question');
    }
  });

  it('when the phrase list is configured, then only its phrases hand off', () => {
    const custom = answersSection.build({ HANDOFF_PHRASES: '找客服|agent please' } as never);
    expect(detectIntent('我要找客服', custom)).to.equal('handoff');
    expect(detectIntent('转人工', custom)).to.equal('question');
  });
});
