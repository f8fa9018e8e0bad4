import { expect } from 'chai';
import { ExtractiveLlm } from '../../src/adapters/llm/extractive-llm.adapter.js';
import type { RecalledDoc } from '../../src/domain/recall-result.js';
import { loadConfig } from '../../src/config/config.js';

const DOC: RecalledDoc = {
  docId: 'vpn',
  spaceId: '',
  title: 'VPN 指南',
  url: '',
  score: 0.9,
  content: '# VPN\n\n公司提供远程办公服务。\n\nVPN 连接后无法访问内网时，请检查 DNS 设置。登录需要工号和动态口令。\n\n安装步骤如下：\n- 下载客户端\n- 输入服务器地址',
};

async function answer(question: string, docs: readonly RecalledDoc[], signal = new AbortController().signal) {
  const pieces: string[] = [];
  for await (const p of new ExtractiveLlm({ delayMs: 0, maxChars: 400 }).streamAnswer({ messages: [], question, docs }, signal)) pieces.push(p);
  return pieces;
}

describe('extractive model', () => {
  it('when asked, then it quotes the best matching sentence and cites the title', async () => {
    const text = (await answer('VPN 连上后访问不了内网怎么办', [DOC])).join('');
    expect(text).to.include('请检查 DNS 设置').and.include('《VPN 指南》');
    expect(text).not.to.include('公司提供远程办公服务');
  });

  it('when the best sentence introduces a list, then the list comes with it', async () => {
    const text = (await answer('客户端安装步骤', [DOC])).join('');
    expect(text).to.include('安装步骤如下：\n- 下载客户端\n- 输入服务器地址');
  });

  it('when streaming, then it yields one grapheme at a time', async () => {
    const pieces = await answer('动态口令', [DOC]);
    expect(pieces.length).to.be.greaterThan(10);
    expect(pieces.every((p) => Array.from(p).length === 1)).to.equal(true);
  });

  it('when there are no documents, then it yields nothing', async () => {
    expect(await answer('动态口令', [])).to.deep.equal([]);
  });

  it('when the signal aborts, then it stops with the reason', async () => {
    const reason = new Error('stop');
    const outcome = await answer('动态口令', [DOC], AbortSignal.abort(reason)).then(() => 'done', (e: unknown) => e);
    expect(outcome).to.equal(reason);
  });
});

describe('knowledge base settings', () => {
  it('when nothing is set, then the local index over the bundled folder and the extractive model are the defaults', () => {
    const config = loadConfig({});
    expect(config.kb.provider).to.equal('local');
    expect(config.llm.provider).to.equal('extractive');
    expect(config.kb.dir).to.match(/knowledge$/);
    expect(config.kb).to.include({ topK: 3, minScore: 0.3 });
  });

  it('when KB_PROVIDER=http has no KB_URL, or KB_DIR does not exist, then start-up names the variable', () => {
    expect(() => loadConfig({ KB_PROVIDER: 'http' })).to.throw(/KB_URL/);
    expect(() => loadConfig({ KB_DIR: '/nonexistent/kb-folder' })).to.throw(/KB_DIR/);
  });
});
