import { expect } from 'chai';
import fc from 'fast-check';
import { percentile, summarizeResults } from '../../src/cli/eval/eval-metrics.js';
import type { QuestionResult } from '../../src/cli/eval/question-result.js';

let line = 0;

/** A synthetic result: the expected id, the ids the service ranked, and how the turn ended. */
function result(expected: string | null, ids: string[], fields: Partial<QuestionResult> = {}): QuestionResult {
  line += 1;
  return {
    question: { line, query: `q${line}`, expected },
    docs: ids.map((id) => ({ id })),
    reason: 'answered',
    foundBy: 'lexical',
    answerSuccess: 1,
    latencyMs: line,
    answer: 'a',
    ...fields,
  };
}

/** Ids that put `expected` at `rank` (1-based), or leave it out when `rank` is 0. */
const ranked = (expected: string, rank: number, length = Math.max(rank, 3)) =>
  Array.from({ length }, (_, i) => (i + 1 === rank ? expected : `other-${i}`));

describe('eval metrics (summarizeResults)', () => {
  it('when answerable rows have the expected id at ranks 1, 2, absent, 11 and 5, then hit@1, hit@5 and MRR@10 count only within their cut-offs', () => {
    const s = summarizeResults([
      result('a', ranked('a', 1)),
      result('b', ranked('b', 2)),
      result('c', ranked('c', 0)),
      result('d', ranked('d', 11)),
      result('e', ranked('e', 5)),
      result(null, ['x'], { reason: 'answered' }),
    ]);
    expect(s.n).to.equal(6);
    expect(s.answerable).to.equal(5);
    expect(s.hitAt1).to.deep.equal({ count: 1, of: 5, value: 0.2 });
    expect(s.hitAt5).to.deep.equal({ count: 3, of: 5, value: 0.6 });
    expect(s.mrrAt10).to.be.closeTo((1 + 1 / 2 + 1 / 5) / 5, 1e-12);
  });

  it('when some turns are faq_direct, then coverage is over answerable rows, precision over direct answers by top id, and out-of-scope direct answers are counted apart', () => {
    const s = summarizeResults([
      result('a', ['a', 'b'], { reason: 'faq_direct' }), // right
      result('b', ['a', 'b'], { reason: 'faq_direct' }), // wrong: top is a
      result('c', ['c'], { reason: 'answered' }),
      result('d', [], { reason: 'no_recall', answerSuccess: 0 }),
      // A failed call is never a direct answer, whatever header it carried.
      result('e', ['e'], { reason: 'faq_direct', answerSuccess: 0, failure: { kind: 'code_50001', detail: 'x' } }),
      result(null, ['a'], { reason: 'faq_direct' }),
      result(null, [], { reason: 'no_recall', answerSuccess: 0 }),
      result(null, ['a'], { reason: 'answered' }),
      result(null, [], { reason: '', answerSuccess: undefined }),
    ]);
    expect(s.direct.coverage).to.deep.equal({ count: 2, of: 5, value: 0.4 });
    expect(s.direct.precision).to.deep.equal({ count: 1, of: 2, value: 0.5 });
    expect(s.outOfScope.n).to.equal(4);
    expect(s.outOfScope.direct).to.deep.equal({ count: 1, of: 4, value: 0.25 });
    // answer_success is over the 3 out-of-scope rows that told it.
    expect(s.outOfScope.answered).to.deep.equal({ count: 2, of: 3, value: 2 / 3 });
    expect(s.answerSuccessUnknown).to.equal(1);
    expect(s.failures).to.deep.equal({ count: 1, byKind: { code_50001: 1 } });
    expect(s.reasons).to.deep.equal({ faq_direct: 4, answered: 2, no_recall: 2, '': 1 });
  });

  it('when answers were found by different retrievals, then they are counted by path, over answered turns only', () => {
    const s = summarizeResults([
      result('a', ['a'], { foundBy: 'vector' }),
      result('a', ['a'], { foundBy: 'both+reranked' }),
      result('a', ['a'], { foundBy: 'vector' }),
      result('b', [], { reason: 'no_recall', answerSuccess: 0, foundBy: '' }),
    ]);
    expect(s.foundBy).to.deep.equal({ vector: 2, 'both+reranked': 1 });
  });

  it('when calls took 1..10 ms and two could not reach the service, then the percentiles are nearest-rank over the ten, timeouts included', () => {
    const results = Array.from({ length: 10 }, (_, i) =>
      result('a', ['a'], { latencyMs: 10 - i, ...(i === 0 ? { failure: { kind: 'timeout', detail: 't' } } : {}) }),
    );
    results.push(result('a', [], { latencyMs: 0.1, failure: { kind: 'unreachable', detail: 'u' } }));
    results.push(result('a', [], { latencyMs: 0.2, failure: { kind: 'unreachable', detail: 'u' } }));
    const s = summarizeResults(results);
    expect(s.latencyMs).to.deep.equal({ p50: 5, p90: 9, p99: 10, max: 10 });
    expect(s.failures.byKind).to.deep.equal({ timeout: 1, unreachable: 2 });
    // Failed calls stay in the denominators as misses, even the timed-out one that listed the expected id.
    expect(s.hitAt1).to.deep.equal({ count: 9, of: 12, value: 0.75 });
  });

  it('when there are no rows of a kind, then its ratios are null rather than 0 or NaN', () => {
    const s = summarizeResults([result(null, [], { reason: 'no_recall', answerSuccess: 0 })]);
    expect(s.hitAt1.value).to.equal(null);
    expect(s.mrrAt10).to.equal(null);
    expect(s.direct.coverage.value).to.equal(null);
    expect(s.direct.precision.value).to.equal(null);
    expect(s.outOfScope.answered.value).to.equal(0);
    const empty = summarizeResults([]);
    expect(empty.latencyMs).to.deep.equal({ p50: null, p90: null, p99: null, max: null });
    expect(JSON.stringify(empty)).to.not.include('NaN');
  });

  it('for any ranks, hit@1 ≤ MRR@10 ≤ hit@10 and hit@1 ≤ hit@5', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 50 }), (ranks) => {
        const s = summarizeResults(ranks.map((r) => result('x', ranked('x', r))));
        const hitAt10 = ranks.filter((r) => r >= 1 && r <= 10).length / ranks.length;
        expect(s.hitAt1.value!).to.be.at.most(s.hitAt5.value!);
        expect(s.hitAt1.value!).to.be.at.most(s.mrrAt10! + 1e-12);
        expect(s.mrrAt10!).to.be.at.most(hitAt10 + 1e-12);
      }),
    );
  });

  it('percentile is nearest-rank: p50 of [1,2,3,4] is 2, p99 of one sample is that sample', () => {
    expect(percentile([1, 2, 3, 4], 50)).to.equal(2);
    expect(percentile([7], 99)).to.equal(7);
    expect(percentile([], 50)).to.equal(null);
  });
});
