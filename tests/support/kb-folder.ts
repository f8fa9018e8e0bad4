import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestProblem } from '../../src/adapters/knowledge-base/ingest/blocks.js';
import { chunkBlocks } from '../../src/adapters/knowledge-base/ingest/chunker.js';
import { packForward, passageForward } from '../../src/adapters/knowledge-base/index/forward-terms.js';
import { KnowledgeIndex } from '../../src/adapters/knowledge-base/index/knowledge-index.js';
import { LexicalIndex } from '../../src/adapters/knowledge-base/index/lexical-index.js';
import { LocalKnowledgeBase } from '../../src/adapters/knowledge-base/local-knowledge-base.adapter.js';

const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

/** A document as the tests describe one: identity and text. */
export interface TestDoc {
  readonly docId: string;
  readonly title: string;
  readonly url?: string;
  readonly spaceId?: string;
  readonly text: string;
}

/** A folder indexed as the service indexes it (readers, chunker, index), in a throwaway index folder. */
export async function indexFolder(dir: string): Promise<{ index: KnowledgeIndex; problems: IngestProblem[]; docs: (TestDoc & { source: string })[] }> {
  const indexDir = mkdtempSync(join(tmpdir(), 'kb-test-idx-'));
  const kb = new LocalKnowledgeBase({ dir, indexDir, topK: 3, passageChars: 800, watchDebounceMs: 0, log: QUIET });
  await kb.whenReady();
  kb.close();
  rmSync(indexDir, { recursive: true, force: true });
  const index = kb.index() as KnowledgeIndex;
  const docs = new Map<string, TestDoc & { source: string }>();
  for (const p of index.passages) {
    const seen = docs.get(p.docId);
    docs.set(p.docId, seen ? { ...seen, text: `${seen.text}\n\n${p.text}` } : { docId: p.docId, title: p.title, url: p.url, spaceId: p.spaceId, text: p.text, source: p.source });
  }
  return { index, problems: [...kb.problems()], docs: [...docs.values()] };
}

/** An index of documents given in memory: paragraphs on blank lines, cut by the service's chunker. */
export function indexDocs(docs: readonly TestDoc[], passageChars = 800): KnowledgeIndex {
  const passages = docs.flatMap((d) =>
    chunkBlocks(d.text.split(/\n\s*\n/).map((text) => ({ kind: 'paragraph' as const, text })), passageChars).map((c) => ({
      docId: d.docId,
      title: d.title,
      url: d.url ?? '',
      spaceId: d.spaceId ?? '',
      headingPath: [d.title, ...c.headings],
      text: c.text,
      source: d.docId,
    })),
  );
  const lexical = LexicalIndex.build(packForward(passages.map((p) => passageForward(p.text, p.headingPath.join(' ')))));
  return new KnowledgeIndex(passages, lexical, [], docs.length);
}
