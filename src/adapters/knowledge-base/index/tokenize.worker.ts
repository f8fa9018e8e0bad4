/**
 * A tokenizer thread of `TokenizePool`: passages' text and heading paths in,
 * their hashed forward terms out (the buffers transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import type { FolderMeta } from '../ingest/folder-meta.js';
import { defaultReaderFor } from '../ingest/default-readers.js';
import { ingestFile } from '../ingest/ingest-file.js';
import { packForward, type PackedForward, passageForward } from './forward-terms.js';
import { LexicalIndex } from './lexical-index.js';

interface Task {
  readonly id: number;
  readonly texts: readonly string[];
  readonly headings: readonly string[];
}

interface Invert {
  readonly id: number;
  readonly invert: PackedForward;
}

interface Ingest {
  readonly id: number;
  readonly ingest: { readonly path: string; readonly bytes: Uint8Array; readonly meta: FolderMeta; readonly passageChars: number };
}

const buffersOf = (arrays: object) => Object.values(arrays).map((a: Uint32Array) => a.buffer) as ArrayBuffer[];

parentPort?.on('message', (task: Task | Invert | Ingest) => {
  if ('ingest' in task) {
    // A whole file read, chunked and tokenized here: what reading leaves behind stays in this
    // thread's heap, which goes when the build ends, instead of in the one that answers calls.
    void ingestHere(task);
    return;
  }
  if ('invert' in task) {
    // Inverting tens of millions of postings takes a second or more: not on the thread that answers calls.
    try {
      const arrays = { ...LexicalIndex.build(task.invert).arrays };
      parentPort?.postMessage({ id: task.id, arrays, forward: task.invert }, [...buffersOf(arrays), ...buffersOf(task.invert)]);
    } catch (error) {
      parentPort?.postMessage({ id: task.id, error: (error as Error).message });
    }
    return;
  }
  try {
    const packed = packForward(task.texts.map((text, i) => passageForward(text, task.headings[i] ?? '')));
    const buffers = [packed.offsets.buffer, packed.lengths.buffer, packed.hi.buffer, packed.lo.buffer, packed.tf.buffer] as ArrayBuffer[];
    parentPort?.postMessage({ id: task.id, packed }, buffers);
  } catch (error) {
    parentPort?.postMessage({ id: task.id, error: (error as Error).message });
  }
});

async function ingestHere(task: Ingest): Promise<void> {
  try {
    const { path, bytes, meta, passageChars } = task.ingest;
    const reader = defaultReaderFor(path);
    if (!reader) throw new Error(`no reader for ${path}`);
    const content = await ingestFile(path, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), reader, meta, passageChars);
    const packed = packForward(content.passages.map((p) => passageForward(p.text, p.headingPath.join(' '))));
    parentPort?.postMessage({ id: task.id, content, packed }, buffersOf(packed));
  } catch (error) {
    parentPort?.postMessage({ id: task.id, error: (error as Error).message });
  }
}
