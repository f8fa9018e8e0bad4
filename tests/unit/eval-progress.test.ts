import { expect } from 'chai';
import { ProgressReporter } from '../../src/cli/eval/progress.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

describe('eval progress', () => {
  it('when stderr is not a terminal, then one line per tenth is written, ending at 100%', () => {
    const out = sink(false);
    const progress = new ProgressReporter(out, 'eval');
    for (let done = 1; done <= 95; done++) progress.update(done, 95);
    expect(out.writes).to.have.length(10);
    expect(out.writes[0]).to.equal('eval: 10/95 (10%)\n');
    expect(out.writes.at(-1)).to.equal('eval: 95/95 (100%)\n');
  });

  it('when stderr is a terminal, then a bar is redrawn in place, at most every 100 ms, and the last draw ends the line', () => {
    const out = sink(true);
    const progress = new ProgressReporter(out, 'eval');
    for (let done = 1; done <= 1000; done++) progress.update(done, 1000);
    expect(out.writes.length).to.be.lessThan(10);
    expect(out.writes.every((w) => w.startsWith('\r') || w === '\n')).to.equal(true);
    expect(out.writes.at(-2)).to.match(/^\reval \[#{30}\] 1000\/1000 100% [\d.]+\/s$/);
    expect(out.writes.at(-1)).to.equal('\n');
  });
});
