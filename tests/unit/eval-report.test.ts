import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { quote, reportCsv, textCell } from '../../src/cli/eval/report-csv.js';
import type { QuestionResult } from '../../src/cli/eval/question-result.js';

const base: QuestionResult = {
  question: { line: 3, query: 'VPN 怎么连接，"远程"可以吗？', expected: 'F1' },
  docs: [{ id: 'F2', score: 0.91234 }, { id: 'F1', score: 0.5 }, { id: 'D9' }],
  reason: 'answered',
  foundBy: 'both+reranked',
  answerSuccess: 1,
  latencyMs: 12.6,
  answer: '第一行\n第二行',
};

describe('eval report (CSV)', () => {
  it('when written, then it starts with a UTF-8 BOM, uses CRLF, and reads back cell for cell', () => {
    const text = reportCsv([base, { ...base, question: { line: 4, query: '天气', expected: null }, docs: [], reason: 'no_recall', answerSuccess: 0, answer: '' }]);
    expect(text.startsWith('\uFEFFline,query,expected,rank,top_ids,reason,found_by,answer_success,latency_ms,answer,error\r\n')).to.equal(true);
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[0]).to.deep.equal({
      line: '3',
      query: 'VPN 怎么连接，"远程"可以吗？',
      expected: 'F1',
      rank: '2',
      top_ids: 'F2 (0.912) | F1 (0.500) | D9',
      reason: 'answered',
      found_by: 'both+reranked',
      answer_success: '1',
      latency_ms: '13',
      answer: '第一行\n第二行',
      error: '',
    });
    expect(rows[1]).to.include({ expected: '', rank: '', top_ids: '', answer_success: '0' });
  });

  it('when the answer is long or has emoji, then 200 characters are kept without splitting one', () => {
    const answer = '🙂'.repeat(150) + '字'.repeat(100);
    const [row] = parse(reportCsv([{ ...base, answer }]), { bom: true, columns: true }) as Record<string, string>[];
    expect([...row!.answer!]).to.have.length(200);
    expect(row!.answer).to.equal('🙂'.repeat(150) + '字'.repeat(50));
  });

  it('when a call failed or the reply told no answer_success, then the error is reported and the cell left empty', () => {
    const [row] = parse(reportCsv([{ ...base, answerSuccess: undefined, failure: { kind: 'http_401', detail: 'wrong token' } }]), { bom: true, columns: true }) as Record<string, string>[];
    expect(row).to.include({ answer_success: '', error: 'http_401: wrong token' });
  });

  it('quotes only what needs it, and text a spreadsheet would run as a formula is kept as text', () => {
    expect(quote('plain')).to.equal('plain');
    expect(quote('a,b')).to.equal('"a,b"');
    expect(quote('say "hi"')).to.equal('"say ""hi"""');
    expect(quote(' padded')).to.equal('" padded"');
    expect(textCell('=HYPERLINK("x")')).to.equal(`'=HYPERLINK("x")`);
    expect(textCell('-1 怎么办')).to.equal(`'-1 怎么办`);
    expect(textCell('怎么办 -1')).to.equal('怎么办 -1');
  });
});
