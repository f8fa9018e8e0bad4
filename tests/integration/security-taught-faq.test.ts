import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

const auth = { authorization: 'Bearer admin-secret' };

describe('security: "teach it" writes the FAQ file itself, never through a link', () => {
  let service: TestService | undefined;
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });

  it('when the FAQ file in the knowledge folder is a link to a file outside it, then teaching is refused and that file is untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'taught-link-'));
    const kb = join(dir, 'kb');
    mkdirSync(kb);
    const outside = join(dir, 'outside.txt');
    const original = `${JSON.stringify({ id: 'e1', question: '原有问题', answer: '原有答案' })}\n`;
    writeFileSync(outside, original);
    // As a knowledge folder synced from a shared repository may carry: a committed link named like the FAQ file.
    symlinkSync(outside, join(kb, 'taught-faq.jsonl'));
    service = await startTestService({ RECORDS_DB: join(dir, 'r.sqlite'), ADMIN_TOKEN: 'admin-secret', ADMIN_FAQ_FILE: join(kb, 'taught-faq.jsonl') });

    const made = await sendJson(service.url, '/admin/api/faq', { body: { question: '食堂几点开门？', answer: '早上七点。' }, headers: auth });
    const added = await sendJson(service.url, '/admin/api/faq/e1/similar', { body: { similar: ['新的问法'] }, headers: auth });
    // Before: 201, and the entry was appended to the file outside the folder (which the index never reads: links out are skipped).
    expect(made.status).to.equal(503);
    expect(String(made.body.err_msg)).to.match(/link/);
    expect(added.status).to.equal(503);
    expect(readFileSync(outside, 'utf8')).to.equal(original);
  });
});
