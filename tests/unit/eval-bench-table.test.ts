import { expect } from 'chai';
import { renderTargetTable } from '../../bench/eval/target-table.js';

describe('eval benchmark table', () => {
  it('when figures sit on, above and below their targets, then met follows ≥ and ≤, and a target with nothing measured is not met', () => {
    const table = renderTargetTable([
      {
        name: 'faq-zh',
        rows: [
          { metric: 'knowledge', value: '4000 documents' },
          { metric: 'hit@1', value: { count: 20, of: 100, value: 0.2 }, target: { op: '≥', bound: 0.2 } },
          { metric: 'hit@5', value: { count: 44, of: 100, value: 0.44 }, target: { op: '≥', bound: 0.45 } },
          { metric: 'precision', value: { count: 0, of: 0, value: null }, target: { op: '≥', bound: 0.95 } },
          { metric: 'oos direct', value: { count: 3, of: 100, value: 0.03 }, target: { op: '≤', bound: 0.02 } },
          { metric: 'MRR@10', value: 0 },
          { metric: 'latency p50', value: 12.4, format: 'ms' },
          { metric: 'failed calls', value: 3, format: 'count' },
        ],
      },
    ]);
    const cells = table.split('\n').slice(2).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
    expect(cells).to.deep.equal([
      ['faq-zh', 'knowledge', '4000 documents', '', ''],
      ['faq-zh', 'hit@1', '0.2000 (20/100)', '≥ 0.2', 'met'],
      ['faq-zh', 'hit@5', '0.4400 (44/100)', '≥ 0.45', 'NOT MET'],
      ['faq-zh', 'precision', 'n/a (0/0)', '≥ 0.95', 'not met (nothing measured)'],
      ['faq-zh', 'oos direct', '0.0300 (3/100)', '≤ 0.02', 'NOT MET'],
      ['faq-zh', 'MRR@10', '0.0000', '', ''],
      ['faq-zh', 'latency p50', '12 ms', '', ''],
      ['faq-zh', 'failed calls', '3', '', ''],
    ]);
  });
});
