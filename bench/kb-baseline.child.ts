/**
 * The baseline of `bench:kb`, in its own process so its memory is its own:
 * the previous embedded index (minisearch, in memory, rebuilt at every start)
 * over the first N rows of the generated corpus. Prints `{buildMs, rss, passages}`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KbDocument } from './baseline/kb-document.js';
import { PassageIndex } from './baseline/passage-index.js';

const [folder, count] = process.argv.slice(2) as [string, string];
const docs: KbDocument[] = [];
for (const file of readdirSync(folder).sort()) {
  for (const line of readFileSync(join(folder, file), 'utf8').split('\n')) {
    if (!line || docs.length >= Number(count)) continue;
    const row = JSON.parse(line) as { id: string; title?: string; text: string };
    docs.push({ docId: row.id, title: row.title ?? row.id, url: '', spaceId: '', text: row.text, source: file });
  }
}
const started = performance.now();
const index = await PassageIndex.build(docs, 800);
const buildMs = performance.now() - started;
index.search('打印机', { topK: 3, minScore: 0, spaces: [] });
process.stdout.write(JSON.stringify({ buildMs, rss: process.memoryUsage().rss, passages: index.passageCount }));
