import { expect } from 'chai';
import type { KbDocument } from '../../src/adapters/knowledge-base/kb-document.js';
import { PassageIndex } from '../../src/adapters/knowledge-base/passage-index.js';
import { tokenize } from '../../src/adapters/knowledge-base/zh-tokenizer.js';

const doc = (docId: string, title: string, text: string): KbDocument => ({ docId, title, url: '', spaceId: '', text, source: docId });
const ALL = { topK: 3, minScore: 0, spaces: [] };

describe('ranking in a small knowledge folder', () => {
  let index: PassageIndex;
  before(async () => {
    index = await PassageIndex.build(
      [
        doc('start', '快速开始', '怎么启动？执行 npm start 即可启动，怎么测试？用 curl 测试，怎么查看日志？看标准输出。'),
        doc('llm', '更换大模型', '设置 LLM_BASE_URL=https://api.deepseek.com 和 LLM_MODEL=deepseek-chat 接入模型。'),
        doc('deadline', '回复超时', '每次调用的截止时间由 CHAT_DEADLINE_MS 控制，默认 55000 毫秒。'),
      ],
      800,
    );
  });

  it('when a host name or identifier holds the word, then the word alone finds it', () => {
    expect(tokenize('api.deepseek.com')).to.include.members(['w:api.deepseek.com', 'w:deepseek', 'w:com']);
    expect(tokenize('CHAT_DEADLINE_MS')).to.include.members(['w:chat_deadline_ms', 'w:deadline']);
    expect(index.search('deadline 是多少', ALL)[0]?.docId).to.equal('deadline');
  });

  it('when the question words are rare in the folder, then they do not outrank the topic', () => {
    // "怎么" appears only in the start page, which made it the best match before question words were left out.
    expect(index.search('怎么用 DeepSeek', ALL)[0]?.docId).to.equal('llm');
  });

  it('when only question words match, then nothing relevant is scored above zero', () => {
    const found = index.search('今天天气怎么样', ALL);
    expect(found.every((d) => d.score === 0)).to.equal(true);
  });
});
