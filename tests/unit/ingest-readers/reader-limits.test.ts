import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readPdfPages } from '../../../src/adapters/knowledge-base/ingest/readers/pdf.reader.js';
import { readCsvRows, readXlsxRows } from '../../../src/adapters/knowledge-base/ingest/readers/sheet.reader.js';

const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../fixtures/kb-formats/${name}`, import.meta.url)));

describe('format readers: bounded work', () => {
  it('when a PDF has more pages than the limit, then the first pages are read and a problem says how many were left out', async () => {
    const { documents, problems } = await readPdfPages({ path: 'p.pdf', bytes: fixture('printer-faq.pdf') }, 2);
    expect(problems).to.deep.equal([{ source: 'p.pdf', reason: 'PDF has 3 pages; only the first 2 were read' }]);
    expect(documents[0]?.blocks.map((b) => b.page)).to.include(2).and.not.include(3);
  });

  it('when a workbook or CSV has more rows than the limit, then the first rows are read and a problem says so', async () => {
    // desk-workbook: 3 rows on 值班表, then 2 on 常见问题; a limit of 4 cuts the FAQ sheet after its header.
    const xlsx = await readXlsxRows({ path: 'w.xlsx', bytes: fixture('desk-workbook.xlsx') }, 4);
    expect(xlsx.problems).to.deep.equal([{ source: 'w.xlsx', reason: 'more than 4 rows; only the first 4 were read' }]);
    expect(xlsx.documents[0]?.blocks).to.have.length(2);
    expect(xlsx.faqs).to.deep.equal([]);
    const csv = await readCsvRows({ path: 'c.csv', bytes: Buffer.from('a,b\n1,2\n3,4\n5,6\n') }, 2);
    expect(csv.problems).to.deep.equal([{ source: 'c.csv', reason: 'more than 2 rows; only the first 2 were read' }]);
    expect(csv.documents[0]?.blocks).to.deep.equal([{ kind: 'paragraph', text: 'a: 1，b: 2' }]);
  });
});
