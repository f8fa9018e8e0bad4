import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rowsOfScript } from '../../bench/rows-file.js';

describe('bench rows file (how bench:kb, bench:vector and bench:eval hand their figures to npm run bench)', () => {
  let folder: string;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'rows-file-test-'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  const script = async (name: string, body: string) => {
    const path = join(folder, name);
    await writeFile(path, body);
    return path;
  };

  it('when a script writes rows to BENCH_ROWS_JSON, then they come back under the main bench workload with the script workload in brackets', async () => {
    const path = await script(
      'good.mjs',
      `import { writeFileSync } from 'node:fs';
writeFileSync(process.env.BENCH_ROWS_JSON, JSON.stringify({ rows: [
  { workload: '50 passages', metric: 'first build', service: 1.5, unit: 's', target: '≤ 20 s', met: true },
  { workload: '', metric: 'hit@1', service: '0.2 (2/10)', unit: '' },
] }));`,
    );
    const rows = await rowsOfScript('6 knowledge base', path);
    expect(rows).to.deep.equal([
      { workload: '6 knowledge base (50 passages)', metric: 'first build', service: 1.5, unit: 's', target: '≤ 20 s', met: true },
      { workload: '6 knowledge base', metric: 'hit@1', service: '0.2 (2/10)', unit: '' },
    ]);
  });

  it('when a script exits with an error, then one row says it failed and is not met', async () => {
    const rows = await rowsOfScript('7 evaluation', await script('fails.mjs', 'process.exit(3);'));
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ workload: '7 evaluation', met: false });
    expect(String(rows[0]?.service)).to.match(/failed: exited 3/);
  });

  it('when a script exits cleanly without writing figures, or writes rows of another shape, then the row says so', async () => {
    const none = await rowsOfScript('8 vector search', await script('silent.mjs', ''));
    expect(String(none[0]?.service)).to.match(/wrote no figures/);
    const odd = await script('odd.mjs', `import { writeFileSync } from 'node:fs'; writeFileSync(process.env.BENCH_ROWS_JSON, JSON.stringify({ rows: [{ metric: 3 }] }));`);
    const bad = await rowsOfScript('8 vector search', odd);
    expect(bad).to.have.length(1);
    expect(String(bad[0]?.service)).to.match(/unknown shape/);
  });
});
