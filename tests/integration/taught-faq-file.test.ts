import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { TaughtFaqFile } from '../../src/adapters/http/admin/taught-faq.file.js';

describe('the taught FAQ file shared by several instances', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'taught-faq-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when one process appends entries while another adds wordings (a rewrite), then no line of either is lost', async () => {
    const file = join(dir, 'taught-faq.jsonl');
    const faq = new TaughtFaqFile(file);
    const first = await faq.add({ question: 'VPN 连不上', answer: '重启客户端', similar: [] });
    const adder = spawn(process.execPath, ['--import', 'tsx', 'tests/support/taught-faq-adder.child.ts', file, '60'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    adder.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(adder, 'exit');
    const wordings: string[] = [];
    // Keep rewriting the file until the other process is done, and a little past its start-up.
    let done = false;
    void exited.then(() => (done = true));
    for (let i = 0; i < 150 && (!done || i < 20); i++) {
      wordings.push(`vpn 登不上去 ${i}`);
      await faq.addSimilar(first.id, [`vpn 登不上去 ${i}`]);
    }
    const [code] = await exited;
    expect(code, stderr).to.equal(0);
    const rows = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; question: string; similar: string[] });
    expect(rows.filter((r) => r.question.startsWith('另一个实例的问题'))).to.have.length(60);
    expect(rows.find((r) => r.id === first.id)!.similar).to.deep.equal(wordings);
    expect(readFileSync(file, 'utf8')).to.not.match(/\}\{/); // no two rows glued together
  });

  it('when a crashed process left its lock behind, then the next edit takes it over once stale, and a fresh lock makes an edit wait and fail naming the file', async () => {
    const file = join(dir, 'taught-faq.jsonl');
    writeFileSync(file, '');
    const lock = join(dir, '.taught-faq.jsonl.lock');
    const { mkdirSync, utimesSync } = await import('node:fs');
    mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const added = await new TaughtFaqFile(file).add({ question: '打印机卡纸', answer: '打开前盖', similar: [] });
    expect(readFileSync(file, 'utf8')).to.include(added.id);
    mkdirSync(lock); // held "now" by someone who never lets go
    const started = Date.now();
    const error = await new TaughtFaqFile(file).add({ question: '邮箱满了', answer: '清理', similar: [] }).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.include(file).and.include('another process');
    expect(Date.now() - started).to.be.at.least(1000);
  });
});
