import { expect } from 'chai';
import { readAs, readFixture } from './fixture-read.js';

const ROWS = [
  '系统: OA 系统，负责人: 张伟，电话: 8001，备注: 工作日 9:00-18:00',
  '系统: 邮箱，负责人: 李娜，电话: 8002，备注: 支持 7x24 小时',
  '系统: VPN，负责人: 王强，电话: 8003',
  '系统: ERP，负责人: 赵敏，电话: 8004，备注: 月底结账期间响应较慢',
];

describe('Excel and CSV readers', () => {
  it('when a one-sheet workbook and its CSV source are read, then each row is one paragraph of header: value pairs, empty cells left out, titled by the file name', async () => {
    for (const path of ['kb-sheet.xlsx', 'src/kb-sheet.csv']) {
      const { documents, faqs, problems } = await readFixture(path);
      expect(problems, path).to.deep.equal([]);
      expect(faqs, path).to.deep.equal([]);
      expect(documents.map((d) => d.title), path).to.deep.equal(['kb-sheet']);
      expect(documents[0]?.blocks, path).to.deep.equal(ROWS.map((text) => ({ kind: 'paragraph', text })));
    }
  });

  it('when a sheet has 问题/答案/相似问题 columns, then each row is an FAQ entry with its similar questions split on newlines and |', async () => {
    for (const [path, id] of [['faq-sheet.xlsx', (n: number) => `faq-sheet.xlsx#faq-sheet!${n}`], ['src/faq-sheet.csv', (n: number) => `src/faq-sheet.csv#${n}`]] as const) {
      const { documents, faqs, problems } = await readFixture(path);
      expect(problems, path).to.deep.equal([]);
      expect(documents, path).to.deep.equal([]);
      expect(faqs.map((f) => [f.id, f.question, f.similar]), path).to.deep.equal([
        [id(2), '如何重置邮箱密码？', ['邮箱密码忘了怎么办', '邮箱登不上去']],
        [id(3), '打印机脱机怎么办？', ['打印机显示脱机', '打印机连不上']],
        [id(4), 'VPN 连接失败怎么办？', []],
      ]);
      expect(faqs[1]?.answer).to.equal('检查网线后在控制面板把打印机设为联机。');
    }
  });

  it('when a workbook has a row sheet and an FAQ sheet, then titles name the sheet, dates and formula results read as text, and an ID column is the FAQ id', async () => {
    const { documents, faqs, problems } = await readFixture('desk-workbook.xlsx');
    expect(problems).to.deep.equal([]);
    expect(documents).to.deep.equal([
      {
        title: 'desk-workbook › 值班表',
        blocks: [
          { kind: 'paragraph', text: '日期: 2026-12-07，值班人: 张伟，分机: 8001' },
          { kind: 'paragraph', text: '日期: 2026-12-08，值班人: 李娜，分机: 8002' },
        ],
        source: 'desk-workbook.xlsx',
        passagePerBlock: true,
      },
    ]);
    expect(faqs).to.deep.equal([
      {
        id: 'duty-weekend',
        question: '周末谁值班？',
        answer: '请查看值班表，周末由当周值班人负责。',
        similar: ['周末找谁', '周六有人值班吗'],
        url: undefined,
        spaceId: undefined,
        source: 'desk-workbook.xlsx#常见问题!2',
      },
    ]);
  });

  it('when a CSV has a BOM, semicolons, English FAQ headers in any case, url/space_id columns and a row without an answer, then the others are read and that row is named', async () => {
    const csv = '\uFEFF Question ;ANSWER;Similar;url;space_id\nVPN 断了？;重新登录。;vpn 掉线|vpn 断开;https://wiki.example.com/vpn;it\n只有问题;;;;\n';
    const { faqs, problems } = await readAs('it/faq.csv', csv);
    expect(faqs).to.deep.equal([
      { id: 'it/faq.csv#2', question: 'VPN 断了？', answer: '重新登录。', similar: ['vpn 掉线', 'vpn 断开'], url: 'https://wiki.example.com/vpn', spaceId: 'it', source: 'it/faq.csv:2' },
    ]);
    expect(problems).to.deep.equal([{ source: 'it/faq.csv:3', reason: 'FAQ row without an answer' }]);
  });

  it('when a CSV is tab-separated or has an unclosed quote, then it is still read or named, never thrown', async () => {
    const tabbed = await readAs('t.csv', '名称\t位置\n打印机\t三楼\n');
    expect(tabbed.documents[0]?.blocks).to.deep.equal([{ kind: 'paragraph', text: '名称: 打印机，位置: 三楼' }]);
    const broken = await readAs('b.csv', 'a,b\n"1,2\n3,4\n');
    expect(broken.documents).to.deep.equal([]);
    expect(broken.problems).to.deep.equal([{ source: 'b.csv:3', reason: 'bad CSV record: Quote Not Closed: the parsing is finished with an opening quote at line 3' }]);
    // A stray quote inside a field and a row longer than the header are what exported sheets have: read, not refused.
    expect((await readAs('q.csv', 'a,b\n1,"x"y,2\n')).documents[0]?.blocks).to.deep.equal([{ kind: 'paragraph', text: 'a: 1，b: "x"y，列3: 2' }]);
    expect((await readAs('h.csv', '只有表头,没有数据\n')).problems).to.deep.equal([{ source: 'h.csv', reason: 'no rows in the sheet' }]);
  });

  it('when an .xlsx is truncated or random bytes, then the problem says so', async () => {
    expect((await readFixture('bad/truncated.xlsx')).problems[0]?.reason).to.equal('corrupt or truncated Excel workbook (no complete ZIP directory)');
    expect((await readFixture('bad/corrupt.xlsx')).problems[0]?.reason).to.equal('extension says .xlsx (an Excel workbook) but the content is binary data');
  });
});
