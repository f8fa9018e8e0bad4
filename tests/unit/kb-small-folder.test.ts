import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { KnowledgeIndex } from '../../src/adapters/knowledge-base/index/knowledge-index.js';
import { LocalKnowledgeBase } from '../../src/adapters/knowledge-base/local-knowledge-base.adapter.js';
import { tokenize } from '../../src/adapters/knowledge-base/zh-tokenizer.js';
import { indexDocs, type TestDoc } from '../support/kb-folder.js';

const doc = (docId: string, title: string, text: string): TestDoc => ({ docId, title, text });
const ALL = { topK: 3, spaces: [] };

describe('ranking in a small knowledge folder', () => {
  let index: KnowledgeIndex;
  before(() => {
    index = indexDocs(
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

describe('ranking over the bundled knowledge/ folder', () => {
  const kb = new LocalKnowledgeBase({
    dir: fileURLToPath(new URL('../../knowledge', import.meta.url)),
    topK: 4,
   
    passageChars: 800,
    watchDebounceMs: 0,
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
  after(() => kb.close());
  const best = async (question: string) =>
    (await kb.recall({ text: question, businessKeys: [] }, new AbortController().signal)).docs[0]?.docId;
  const topN = async (question: string, n: number) =>
    (await kb.recall({ text: question, businessKeys: [] }, new AbortController().signal)).docs.slice(0, n).map((d) => d.docId);

  it('when a two-character word is both a word and a bigram of the question, then it is not counted twice', async () => {
    // Counted twice (w:配置 and b:配置), 配置 outweighed 知识库 and the configuration page came first.
    // Since passages follow sections, the configuration page's KB_* section (配置 and 知识库 both)
    // comes first, and the page about swapping the knowledge base (知识库 only) is still recalled.
    const found = await topN('怎么配置知识库', 4);
    expect(found[0]).to.equal('kb-configuration');
    expect(found).to.include('kb-swap-knowledge-base');
  });

  it('when operators ask about the bot, then the page that answers comes first', async () => {
    expect(await best('怎么用 DeepSeek')).to.equal('kb-swap-llm');
    expect(await topN('回答超时怎么办', 2)).to.include('kb-troubleshoot-deadline');
    expect(await best('多实例怎么部署')).to.equal('kb-deploy-production');
    expect(await best('怎么配置回调地址？')).to.equal('kb-connect-yishiting');
  });
});
