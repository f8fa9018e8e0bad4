import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readPdfPages } from '../../../src/adapters/knowledge-base/ingest/readers/pdf.reader.js';
import { readCsvRows, readXlsxRows } from '../../../src/adapters/knowledge-base/ingest/readers/sheet.reader.js';
import { zipEntries } from '../../../src/adapters/knowledge-base/ingest/readers/zip-entries.js';
import { readAs } from './fixture-read.js';

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

  it('when an Office file declares a smaller size than an entry really expands to (a ZIP bomb lying about itself), then it is refused before the library reads it', async () => {
    for (const [name, part] of [['vpn-guide.docx', 'word/document.xml'], ['kb-sheet.xlsx', 'xl/workbook.xml'], ['onboarding-deck.pptx', 'ppt/presentation.xml']] as const) {
      const bytes = Buffer.from(fixture(name));
      // Rewrite the part's uncompressed size in the central directory to 10 bytes.
      let at = bytes.readUInt32LE(bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) + 16);
      for (const entry of zipEntries(bytes)!) {
        if (entry.name === part) {
          expect(entry.method, name).to.equal(8);
          bytes.writeUInt32LE(10, at + 24);
        }
        at += 46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
      }
      const out = await readAs(name, bytes);
      expect(out.documents, name).to.deep.equal([]);
      expect(out.problems.map((p) => p.reason), name).to.deep.equal([`${name.endsWith('.docx') ? 'Word document' : name.endsWith('.xlsx') ? 'Excel workbook' : 'PowerPoint deck'}: ${part} declares 10 bytes but expands past them (a ZIP bomb?)`]);
      expect((await readAs(name, fixture(name))).documents.length, name).to.be.greaterThan(0); // the true file still reads
    }
  });
});
