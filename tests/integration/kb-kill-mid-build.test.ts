import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { IndexStore } from '../../src/adapters/knowledge-base/index/index-store.js';
import { LocalKnowledgeBase } from '../../src/adapters/knowledge-base/local-knowledge-base.adapter.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The index-build processes whose parent is `pid` (from /proc). */
function buildProcessesOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('index-build.child');
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A real process killed with SIGKILL while it indexes; the next start must not serve half a folder. */
describe('a kill during indexing', function () {
  this.timeout(120_000);
  let dir: string;
  let indexDir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-kill-'));
    indexDir = mkdtempSync(join(tmpdir(), 'kb-kill-idx-'));
    for (let f = 0; f < 40; f++) {
      const rows = Array.from({ length: 150 }, (_, r) => JSON.stringify({ id: `f${f}-r${r}`, text: `工单 T${f}R${r}：${'打印机、邮箱、VPN 与域账号的常见问题说明。'.repeat(4)}` }));
      writeFileSync(join(dir, `part-${f}.jsonl`), `${rows.join('\n')}\n`);
    }
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(indexDir, { recursive: true, force: true });
  });

  it('when the indexer is killed mid-build, then the next start either uses the last complete index or rebuilds, never a partial one', async () => {
    // First a complete index, then every file changes and the process bringing the index up to date is killed.
    const first = new LocalKnowledgeBase({ dir, indexDir, topK: 3, passageChars: 800, watchDebounceMs: 0, log: new CapturingLogger() });
    await first.whenReady();
    first.close();
    for (let f = 0; f < 40; f++) writeFileSync(join(dir, `part-${f}.jsonl`), `${JSON.stringify({ id: `new-${f}`, text: `新内容 ${f}：会议室投影仪无法连接。` })}\n`, { flag: 'a' });
    const script = `
      import { LocalKnowledgeBase } from ${JSON.stringify(join(ROOT, 'src/adapters/knowledge-base/local-knowledge-base.adapter.ts'))};
      const log = { debug() {}, info(m) { if (m === 'knowledge indexing') process.stdout.write('progress\\n'); }, warn() {}, error() {} };
      new LocalKnowledgeBase({ dir: process.argv[1], indexDir: process.argv[2], topK: 3, passageChars: 800, watchDebounceMs: 0, log });
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir, indexDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    // Killed at its first progress line (files are being read) or after 1.5 s, whichever is first.
    await Promise.race([once(child.stdout, 'data'), new Promise((r) => setTimeout(r, 1500))]);
    // On a loaded machine the build process may start a little later than the first progress line: wait up to 10 s for it.
    let builders = buildProcessesOf(child.pid as number);
    for (let waited = 0; waited < 10_000 && builders.length === 0; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      builders = buildProcessesOf(child.pid as number);
    }
    expect(builders, 'the build runs in a process of its own').to.have.length(1);
    child.kill('SIGKILL');
    await once(child, 'exit');
    // The build process notices its service is gone and stops too: no orphan left indexing.
    for (let waited = 0; waited < 5000 && builders.some(alive); waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(builders.filter(alive), 'build processes still running after their service was killed').to.deep.equal([]);

    const stored = await new IndexStore(indexDir).load(dir);
    expect(stored, 'the complete index from before the kill').to.not.equal(undefined);
    if (stored) {
      // Whatever is current is whole: its manifest accounts for exactly the passages it holds.
      const counted = stored.manifest.files.reduce((n, f) => n + f.count, 0);
      expect(stored.passages.length).to.equal(counted);
      expect(stored.lexical.passageCount).to.equal(counted);
    }
    const kb = new LocalKnowledgeBase({ dir, indexDir, topK: 3, passageChars: 800, watchDebounceMs: 0, log: new CapturingLogger() });
    await kb.whenReady();
    await kb.rebuild();
    kb.close();
    expect(kb.stats()).to.include({ files: 40, passages: 6040 });
    const found = await kb.recall({ text: '工单 T39R149', businessKeys: [] }, new AbortController().signal);
    expect(found.docs[0]?.docId).to.equal('f39-r149');
  });
});
