import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { KnowledgeIndex } from '../../src/adapters/knowledge-base/index/knowledge-index.js';
import { indexDocs, indexFolder } from '../support/kb-folder.js';

const CORPUS = fileURLToPath(new URL('../fixtures/kb/corpus', import.meta.url));
const ALL = { topK: 10, spaces: [] };

describe('passage index ranking', () => {
  let index: KnowledgeIndex;
  before(async () => {
    // The corpus read as the service reads it, then cut small (60 characters) so documents have several passages.
    const { docs } = await indexFolder(CORPUS);
    index = indexDocs(docs, 60);
  });

  const cases: [string, string][] = [
    ['VPN 连上了但是访问不了内网', 'doc-vpn'],
    ['怎么添加打印机', 'printer.md'],
    ['无线网络密码在哪里查', 'nested/wifi.txt'],
    ['年假怎么计算', 'doc-leave'],
    ['how to submit expense reports', '42'],
    ['收到钓鱼邮件怎么办', 'doc-mail'],
  ];
  for (const [question, expected] of cases) {
    it(`when asked "${question}", then ${expected} ranks first`, () => {
      expect(index.search(question, ALL)[0]?.docId).to.equal(expected);
    });
  }

  it('when several passages of one document match, then the document is cited once with its best passage', () => {
    expect(index.passages.length).to.be.greaterThan(index.documents);
    const docs = index.search('邮箱 邮件 钓鱼 配额 扩容', ALL);
    expect(docs.filter((d) => d.docId === 'doc-mail')).to.have.length(1);
    expect(index.search('邮箱配额申请扩容', ALL)[0]?.content).to.include('扩容').and.not.include('钓鱼');
  });

  it('when results are returned, then scores are within 0..1 and fall with rank', () => {
    const docs = index.search('邮件 打印机 VPN 请假', ALL);
    expect(docs.length).to.be.greaterThan(2);
    for (const [i, d] of docs.entries()) {
      expect(d.score).to.be.within(0, 1);
      if (i > 0) expect(d.score).to.be.at.most(docs[i - 1]!.score);
    }
  });

  it('when every topic word of the question is in a document, then it scores 1', () => {
    expect(index.search('VPN 动态口令', ALL)[0]?.score).to.equal(1);
  });

  it('when nothing in the corpus is about the question, then even its best candidate scores below a minimum score', () => {
    expect(index.search('今天天气怎么样', ALL)[0]?.score ?? 0).to.be.below(0.3);
  });

  it('when topK is set, then no more documents than that are returned', () => {
    expect(index.search('邮件 打印机 VPN 请假 密码', { ...ALL, topK: 2 })).to.have.length(2);
  });

  it('when business keys are given, then only matching spaces and documents without a space are recalled', () => {
    const hr = index.search('请假 VPN 打印机', { ...ALL, spaces: ['hr'] }).map((d) => d.docId);
    expect(hr).to.include.members(['doc-leave', 'printer.md']);
    expect(hr).not.to.include('doc-vpn');
    const it_ = index.search('请假 VPN 打印机', { ...ALL, spaces: ['it-helpdesk'] }).map((d) => d.docId);
    expect(it_).to.include('doc-vpn').and.not.include('doc-leave');
  });

  it('when business keys name no known space, then only documents without a space remain', () => {
    const docs = index.search('请假 VPN 打印机', { ...ALL, spaces: ['unknown'] });
    expect(docs.map((d) => d.spaceId)).to.satisfy((spaces: string[]) => spaces.every((s) => s === ''));
  });
});

describe('passage scores for names the segmenter cuts into characters', () => {
  // 于 and 齐 are each in most passages (too common to judge alone); the name 于齐 is one page's subject.
  const fillers = Array.from({ length: 40 }, (_, i) => ({ docId: `filler-${i}`, title: `第${i}篇`, text: `他于${1990 + i}年加入第${i}个团队，齐心协力。` }));
  const index = indexDocs([...fillers, { docId: 'yu-qi', title: '值班表', text: '于齐，运维工程师，负责机房巡检。' }], 200);

  it('when asked about the name, then its page ranks first with a score above the default KB_MIN_SCORE (0.3), judged by the name\'s bigrams', () => {
    const [top] = index.search('于齐的岗位是什么？', ALL);
    expect(top?.docId).to.equal('yu-qi');
    expect(top!.score).to.be.at.least(0.3);
  });

  it('when the question names nobody in the folder, then the run of characters counts as missing, not as found', () => {
    const [top] = index.search('郑远航的岗位是什么？', ALL);
    expect(top?.score ?? 0).to.be.below(0.3);
  });
});
