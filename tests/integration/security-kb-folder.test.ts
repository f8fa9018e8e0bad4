import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { readMarkdown } from '../../src/adapters/knowledge-base/ingest/readers/markdown.reader.js';
import { LocalKnowledgeBase } from '../../src/adapters/knowledge-base/local-knowledge-base.adapter.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';
import { sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

const ASK = { user: 'u', msg_type: 'text' };

/** Waits until `/ready` says the knowledge base is built, or fails after `ms`. */
async function ready(service: TestService, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const reply = await sendJson(service.url, '/ready', { method: 'GET' });
    if (reply.status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the knowledge base never became ready');
}

function skipped(service: TestService): Record<string, string> {
  return Object.fromEntries(
    service
      .logLines()
      .filter((l) => l.message === 'knowledge file skipped')
      .map((l) => [String(l.file), String(l.reason)]),
  );
}

describe('security: the knowledge folder is read inside its bounds', () => {
  let dir: string;
  let service: TestService | undefined;
  const start = (env: Record<string, string> = {}) =>
    startTestService({ LLM_PROVIDER: 'extractive', KB_PROVIDER: 'local', KB_DIR: dir, EXTRACTIVE_DELAY_MS: '0', KB_WATCH_DEBOUNCE_MS: '0', ...env });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-bounds-'));
    await writeFile(join(dir, 'vpn.md'), '# VPN 连接指南\n\nVPN 客户端下载后，使用工号和域密码登录，选择离你最近的节点。');
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('when a link in the folder leads to /etc/passwd or to /etc, then nothing outside is indexed or quoted, and the links are named in the log', async () => {
    await symlink('/etc/passwd', join(dir, 'passwd.md'));
    await symlink('/etc', join(dir, 'etc-link'));
    service = await start();
    await ready(service);
    const reply = await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: 'root:x:0:0 root /bin/bash nologin' } });
    expect(reply.body.msg_content).to.not.include('root:x:0:0');
    expect(JSON.stringify(reply.body.recall_docs)).to.not.include('passwd');
    const log = skipped(service);
    expect(log['passwd.md']).to.include('outside the knowledge folder');
    expect(log['etc-link']).to.include('outside the knowledge folder');
    const vpn = await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: 'VPN 怎么登录？' } });
    expect((vpn.body.recall_docs as { doc_id: string }[])[0]!.doc_id).to.equal('vpn.md');
  });

  it('when two links form a cycle and a FIFO is named *.md, then the index is ready promptly and questions are answered', async () => {
    await mkdir(join(dir, 'a'));
    await symlink('../b', join(dir, 'a', 'to-b'));
    await mkdir(join(dir, 'b'));
    await symlink('../a', join(dir, 'b', 'to-a'));
    execFileSync('mkfifo', [join(dir, 'pipe.md')]);
    const began = Date.now();
    service = await start();
    await ready(service, 5000);
    expect(Date.now() - began).to.be.below(5000);
    const reply = await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: 'VPN 怎么登录？' } });
    expect((reply.body.recall_docs as { doc_id: string }[])[0]!.doc_id).to.equal('vpn.md');
    expect(skipped(service)['pipe.md']).to.include('FIFO');
  });

  it('when a file is over KB_MAX_FILE_BYTES or one JSONL line is a huge paragraph without punctuation, then only that file is skipped or cut, and the rest is served', async () => {
    await writeFile(join(dir, 'big.txt'), 'x'.repeat(9 * 1024 * 1024));
    await writeFile(join(dir, 'long.jsonl'), `${JSON.stringify({ id: 'long', title: '长段落', text: '无标点'.repeat(700_000) })}\n`);
    service = await start({ KB_MAX_FILE_BYTES: String(8 * 1024 * 1024) });
    await ready(service, 20_000);
    expect(skipped(service)['big.txt']).to.match(/too large: 9437184 bytes/);
    const reply = await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: 'VPN 怎么登录？' } });
    expect((reply.body.recall_docs as { doc_id: string }[])[0]!.doc_id).to.equal('vpn.md');
    // The long paragraph was cut into passages, not dropped: it is found.
    const long = await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: '无标点无标点' } });
    expect((long.body.recall_docs as { doc_id: string }[])[0]!.doc_id).to.equal('long');
  });

  it('when a Markdown heading is followed by thousands of spaces, then it is read in linear time', async () => {
    const titleOf = async (text: string) => (await readMarkdown({ path: 'x.md', bytes: Buffer.from(text) })).documents[0]?.title;
    const began = performance.now();
    const title = await titleOf(`# a${' '.repeat(200_000)}x\n正文`);
    expect(performance.now() - began).to.be.below(1000); // a backtracking heading regex took minutes at this size
    expect(title?.startsWith('a')).to.equal(true);
    expect(title?.endsWith('x')).to.equal(true);
    expect(await titleOf('# 标题 ##\n')).to.equal('标题');
    expect(await titleOf('#不是标题\n## 是标题')).to.equal('是标题');
  });

  it('when a bad file stays bad across rebuilds, then it is logged once, not at every rebuild; a new problem is logged', async () => {
    await writeFile(join(dir, 'half.md'), Buffer.from([0xe4, 0xbd]));
    const log = new CapturingLogger();
    const kb = new LocalKnowledgeBase({ dir, topK: 3, passageChars: 800, watchDebounceMs: 0, log });
    try {
      await kb.rebuild();
      await writeFile(join(dir, 'more.md'), '# 打印机\n\n打印机驱动在软件中心安装。');
      await kb.rebuild();
      await kb.rebuild();
      const reported = (file: string) => log.lines.filter((l) => l.message === 'knowledge file skipped' && l.fields?.file === file);
      expect(reported('half.md')).to.have.length(1);
      await writeFile(join(dir, 'half2.md'), Buffer.from([0xff]));
      await kb.rebuild();
      expect(reported('half2.md')).to.have.length(1);
      expect(reported('half.md')).to.have.length(1);
    } finally {
      kb.close();
    }
  });
});
