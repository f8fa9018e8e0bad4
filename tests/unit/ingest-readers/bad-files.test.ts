import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFixture } from './fixture-read.js';

const BAD = fileURLToPath(new URL('../../fixtures/kb-formats/bad/', import.meta.url));

describe('format readers on bad files', () => {
  it('when each bad fixture (corrupt, truncated, empty, encrypted, image-only, lying extension) is read, then it yields only a problem naming the file, and no reader throws', async () => {
    const files = readdirSync(BAD).sort();
    expect(files).to.have.length.greaterThanOrEqual(12);
    const reasons: Record<string, string> = {};
    for (const name of files) {
      const out = await readFixture(`bad/${name}`);
      expect(out.documents, name).to.deep.equal([]);
      expect(out.faqs, name).to.deep.equal([]);
      expect(out.problems, name).to.have.length(1);
      expect(out.problems[0]?.source, name).to.equal(`bad/${name}`);
      reasons[name] = out.problems[0]?.reason ?? '';
    }
    expect(reasons).to.include({
      'empty.md': 'empty file',
      'empty.pdf': 'empty file',
      'text-named.pdf': 'extension says .pdf (a PDF) but the content is text',
      'corrupt.pdf': 'extension says .pdf (a PDF) but the content is binary data',
      'encrypted.pdf': 'encrypted PDF (it needs a password)',
      'image-only.pdf': 'no text layer (scanned or image-only PDF)',
    });
  });
});
