import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { QuestionFileError } from '../../src/cli/eval/eval-question.js';
import { parseQuestionCsv } from '../../src/cli/eval/question-csv.js';
import { MAX_QUESTION_FILE_BYTES, readQuestionFile } from '../../src/cli/eval/question-file.js';
import { parseQuestionJsonl } from '../../src/cli/eval/question-jsonl.js';

/** The problems a parse throws, or a failure when it does not throw. */
function problems(parse: () => unknown): readonly string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof QuestionFileError) return error.problems;
    throw error;
  }
  throw new Error('expected a QuestionFileError');
}

describe('eval question files', () => {
  describe('JSON Lines', () => {
    it('when rows carry faq_id or doc_id (string, number or null) and other fields, then each becomes a question with its line', () => {
      const text = ['{"query":"a","faq_id":"F1","near":"F2"}', '', '{"query":"b","doc_id":7}\r', '{"query":"c","faq_id":null}', '{"query":"d","faq_id":"F4","doc_id":"F4"}'].join('\n');
      expect(parseQuestionJsonl('q.jsonl', text)).to.deep.equal([
        { line: 1, query: 'a', expected: 'F1' },
        { line: 3, query: 'b', expected: '7' },
        { line: 4, query: 'c', expected: null },
        { line: 5, query: 'd', expected: 'F4' },
      ]);
    });

    it('when rows are wrong in several ways, then every problem is listed with its line', () => {
      const text = [
        '{"query":"a","faq_id":"F1","doc_id":"D1"}',
        '{"query":"b","faq_id":""}',
        '{"query":"c","doc_id":["x"]}',
        '{"query":42,"faq_id":"F1"}',
        '{"faq_id":"F1"',
        '"just a string"',
      ].join('\n');
      const listed = problems(() => parseQuestionJsonl('q.jsonl', text));
      expect(listed).to.have.length(6);
      expect(listed[0]).to.equal('q.jsonl:1: "faq_id" and "doc_id" disagree: give one of them');
      expect(listed[1]).to.equal('q.jsonl:2: "faq_id" must be a non-empty string, a number, or null (should not be answered), got an empty string');
      expect(listed[2]).to.include('q.jsonl:3: "doc_id" must be').and.include('got a list');
      expect(listed[3]).to.equal('q.jsonl:4: "query" must be a non-empty string, got 42');
      expect(listed[4]).to.match(/^q\.jsonl:5: not valid JSON/);
      expect(listed[5]).to.match(/^q\.jsonl:6: must be a JSON object/);
    });

    it('when every line is bad, then the listing stops at 20 and says how many more', () => {
      const listed = problems(() => parseQuestionJsonl('q.jsonl', Array.from({ length: 25 }, () => '{}').join('\n')));
      expect(listed).to.have.length(21);
      expect(listed[20]).to.equal('… and 5 more');
    });

    it('when the file has only blank lines, then it is refused as having no questions', () => {
      expect(problems(() => parseQuestionJsonl('q.jsonl', '\n  \n'))).to.deep.equal(['q.jsonl: has no questions (every line is blank)']);
    });
  });

  describe('CSV', () => {
    it('when a quoted query spans lines, then later rows keep their file line numbers, and empty or null ids are out of scope', () => {
      const text = 'Query ,FAQ_ID,note\n"多行\n问题",F1,x\n\n普通问题,,\n"带,逗号",null,""\n"引号""里""",F2,\n';
      expect(parseQuestionCsv('q.csv', text)).to.deep.equal([
        { line: 2, query: '多行\n问题', expected: 'F1' },
        { line: 5, query: '普通问题', expected: null },
        { line: 6, query: '带,逗号', expected: null },
        { line: 7, query: '引号"里"', expected: 'F2' },
      ]);
    });

    it('when the header repeats a column or has both id columns, then it is refused at line 1', () => {
      expect(problems(() => parseQuestionCsv('q.csv', 'query,query,faq_id\na,b,c\n'))).to.deep.equal(['q.csv:1: the header names column "query" twice']);
      expect(problems(() => parseQuestionCsv('q.csv', 'query,faq_id,doc_id\na,b,c\n'))).to.deep.equal(['q.csv:1: the header has both "faq_id" and "doc_id": keep one']);
    });

    it('when a row has an empty query, too many cells, or an unclosed quote, then the line is named', () => {
      expect(problems(() => parseQuestionCsv('q.csv', 'query,doc_id\n,d1\na,d1,extra\n'))).to.deep.equal([
        'q.csv:2: "query" is empty',
        'q.csv:3: has 3 cells, the header has 2',
      ]);
      const [unclosed] = problems(() => parseQuestionCsv('q.csv', 'query,doc_id\na,d1\n"b,d2\n'));
      expect(unclosed).to.match(/^q\.csv:\d+: not valid CSV \(Quote Not Closed/);
    });

    it('when there is a header but no rows, or nothing at all, then it says so', () => {
      expect(problems(() => parseQuestionCsv('q.csv', 'query,faq_id\n'))).to.deep.equal(['q.csv: has a header but no questions']);
      expect(problems(() => parseQuestionCsv('q.csv', ''))[0]).to.include('is empty');
    });
  });

  describe('reading the file', () => {
    let dir: string;
    beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'eval-file-'))));
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('when the file starts with a BOM, then the first row still reads', async () => {
      const file = join(dir, 'q.jsonl');
      await writeFile(file, '\uFEFF{"query":"a","doc_id":"d"}\n');
      expect(await readQuestionFile(file)).to.deep.equal([{ line: 1, query: 'a', expected: 'd' }]);
    });

    it('when the file is not UTF-8 (GBK from Excel), then it says to save it as UTF-8', async () => {
      const file = join(dir, 'q.csv');
      await writeFile(file, Buffer.from([0x71, 0x75, 0x65, 0x72, 0x79, 0x2c, 0x66, 0x61, 0x71, 0x5f, 0x69, 0x64, 0x0a, 0xc4, 0xe3, 0xba, 0xc3, 0x2c, 0x46, 0x31]));
      const error = await readQuestionFile(file).catch((e: unknown) => e);
      expect((error as Error).message).to.equal(`${file}: is not UTF-8 text (save it as UTF-8, e.g. "CSV UTF-8" in Excel)`);
    });

    it('when the file is over the size limit, then it is refused without being parsed', async () => {
      const file = join(dir, 'big.jsonl');
      await writeFile(file, '');
      await truncate(file, MAX_QUESTION_FILE_BYTES + 1);
      const error = await readQuestionFile(file).catch((e: unknown) => e);
      expect((error as Error).message).to.equal(`${file}: is over the ${MAX_QUESTION_FILE_BYTES}-byte limit`);
    });

    it('when the path is a folder, then it says so', async () => {
      const folder = join(dir, 'q.jsonl');
      await mkdir(folder);
      const error = await readQuestionFile(folder).catch((e: unknown) => e);
      expect((error as Error).message).to.equal(`${folder}: is a folder, not a file`);
    });
  });
});
