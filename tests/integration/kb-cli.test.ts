import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runKb } from '../../src/cli/kb/kb-commands.js';
import { loadConfig } from '../../src/config/config.js';

describe('the kb command-line tool', () => {
  let dir: string;
  let indexDir: string;
  const run = async (command: string, ...args: string[]) => runWith({ KB_DIR: dir, KB_INDEX_DIR: indexDir }, command, ...args);
  const runWith = async (env: Record<string, string>, command: string, ...args: string[]) => {
    const config = loadConfig(env);
    let out = '';
    let err = '';
    const o = new PassThrough().setEncoding('utf8').on('data', (c: string) => (out += c));
    const e = new PassThrough().setEncoding('utf8').on('data', (c: string) => (err += c));
    const code = await runKb(command, args, config, { out: o, err: e });
    return { code, out, err };
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-cli-'));
    indexDir = mkdtempSync(join(tmpdir(), 'kb-cli-idx-'));
    mkdirSync(join(dir, 'it'));
    writeFileSync(join(dir, 'it', '_kb.yaml'), 'space_id: it\nurl: https://wiki.example.com/it/{stem}\n');
    writeFileSync(join(dir, 'it', 'vpn.md'), '# VPN 指南\n\n## 安装\n\n下载 EasyConnect 客户端并安装。\n\n## 连接\n\n输入域账号和动态口令。\n');
    writeFileSync(join(dir, 'broken.jsonl'), '{"id": 1}\nnot json\n');
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(indexDir, { recursive: true, force: true });
  });

  it('when no index was built yet, then status says so and exits 1', async () => {
    const r = await run('status');
    expect(r.code).to.equal(1);
    expect(r.out).to.match(/no index/);
  });

  it('when reindexed, then status lists files, passages and each skipped line with its reason', async () => {
    const re = await run('reindex');
    expect(re.code).to.equal(0);
    expect(re.err).to.match(/indexing files 2\/2/);
    const r = await run('status');
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/files\s+2/).and.match(/passages\s+2/);
    expect(r.out).to.match(/broken\.jsonl:1: /).and.match(/broken\.jsonl:2: /);
  });

  it('when searching, then the passage comes with its score, heading path and the folder URL', async () => {
    const r = await run('search', '动态口令');
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^1\. 1\.000 {2}it\/vpn\.md {2}VPN 指南 › 连接 {2}https:\/\/wiki\.example\.com\/it\/vpn$/m);
  });

  it('when nothing scores KB_MIN_SCORE, then search says a call would get the no-answer reply and lists nothing', async () => {
    const r = await runWith({ KB_DIR: dir, KB_INDEX_DIR: indexDir, KB_MIN_SCORE: '1' }, 'search', '安装 打印机');
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^nothing recalled: the best candidate scores 0\.\d{3}, below KB_MIN_SCORE 1 \(a call gets the no-answer reply\)$/m);
    expect(r.out).not.to.match(/^1\. /m);
  });

  it('when inspecting a file, then its passages are listed; a file outside KB_DIR is refused', async () => {
    const r = await run('inspect', 'it/vpn.md');
    expect(r.out).to.match(/1 documents, 2 passages/).and.match(/VPN 指南 › 安装/);
    const outside = await run('inspect', '../../etc/passwd');
    expect(outside.code).to.equal(2);
    expect(outside.err).to.match(/not a file inside KB_DIR/);
  });

  it('when the command is unknown or search has no question, then usage is printed and it exits 2', async () => {
    expect((await run('frobnicate')).code).to.equal(2);
    expect((await run('search')).err).to.match(/search needs a question/);
  });

  it('when only DATA_DIR is set, then the CLI uses the index the service would use, under DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kb-cli-data-'));
    try {
      expect((await runWith({ KB_DIR: dir, DATA_DIR: dataDir }, 'reindex')).code).to.equal(0);
      const status = await runWith({ KB_DIR: dir, DATA_DIR: dataDir }, 'status');
      expect(status.code).to.equal(0);
      expect(status.out).to.include(join(dataDir, 'kb-index'));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
