import { realpath, stat } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { relevantOnly } from '../../application/direct-answer.js';
import type { LoggerPort } from '../../application/ports/logger.port.js';
import type { Config } from '../../config/config.js';
import { defaultReaderFor } from '../../adapters/knowledge-base/ingest/default-readers.js';
import { FOLDER_META_FILE, FolderMetaTable } from '../../adapters/knowledge-base/ingest/folder-meta.js';
import { readWalkedFile } from '../../adapters/knowledge-base/ingest/folder-walker.js';
import { ingestFile } from '../../adapters/knowledge-base/ingest/ingest-file.js';
import type { BuildProgress } from '../../adapters/knowledge-base/index/index-builder.js';
import { IndexStore } from '../../adapters/knowledge-base/index/index-store.js';
import { kbIndexDir, LocalKnowledgeBase, progressFields } from '../../adapters/knowledge-base/local-knowledge-base.adapter.js';

export const KB_USAGE = `usage: kb <command> [arguments]   (reads KB_DIR, KB_INDEX_DIR and the other KB_* settings from the environment)

  status            files, passages, FAQ entries, skipped files with reasons, index size, when built
  reindex           bring the persisted index up to date with the folder (only changed files are read), with progress
  search "问题"      the passages and FAQ entries a call would recall, with scores, heading paths and files
  inspect FILE      the passages FILE (inside KB_DIR) becomes`;

type KbConfig = Config['kb'];
interface Io {
  readonly out: Writable;
  readonly err: Writable;
}

/** Runs one command; resolves with the exit code (0 done, 1 failed, 2 bad usage). */
/** `config` is the service's: the index is the one it would use (`KB_INDEX_DIR`, else under `DATA_DIR`). */
export async function runKb(command: string, args: readonly string[], config: Pick<Config, 'kb' | 'records'>, io: Io): Promise<number> {
  const kb = config.kb;
  const indexDir = kbIndexDir(kb, config.records.dataDir);
  const say = (line: string) => io.out.write(`${line}\n`);
  switch (command) {
    case 'status':
      return status(kb.dir, indexDir, say);
    case 'reindex': {
      const progress = (p: BuildProgress) => io.err.write(`\rindexing ${Object.entries(progressFields(p)).map(([k, v]) => `${k} ${v}`).join(', ')}   `);
      const base = openKb(kb, indexDir, io, progress);
      await base.whenReady();
      await base.rebuild();
      io.err.write('\n');
      base.close();
      const s = base.stats();
      say(`indexed ${s.files} files: ${s.documents} documents, ${s.passages} passages, ${s.faqs} FAQ entries; ${base.filesReadTotal} read (the others were unchanged), ${s.skipped} skipped (kb status lists them)`);
      return 0;
    }
    case 'search': {
      const query = args.join(' ').trim();
      if (!query) return usage(io, 'search needs a question');
      const base = openKb(kb, indexDir, io);
      await base.whenReady();
      await base.rebuild();
      base.close();
      // What a call would recall: the candidates, judged by KB_MIN_SCORE as the use case judges them.
      const found = await base.recall({ text: query, businessKeys: [] }, new AbortController().signal);
      const docs = relevantOnly(found, kb.minScore).docs;
      if (found.docs.length === 0) say('nothing recalled');
      else if (docs.length === 0) say(`nothing recalled: the best candidate scores ${Math.max(...found.docs.map((d) => d.score)).toFixed(3)}, below KB_MIN_SCORE ${kb.minScore} (a call gets the no-answer reply)`);
      for (const [i, d] of docs.entries()) {
        const where = d.kind === 'faq' ? `FAQ ${d.docId} (matched: ${d.matchedQuestion})` : `${(d.headingPath ?? [d.title]).join(' › ')}${d.page ? `, page ${d.page}` : ''}`;
        say(`${i + 1}. ${d.score.toFixed(3)}  ${d.docId}  ${where}${d.url ? `  ${d.url}` : ''}`);
        say(`   ${d.content.replace(/\s+/g, ' ').slice(0, 160)}`);
      }
      return 0;
    }
    case 'inspect':
      if (args.length !== 1) return usage(io, 'inspect needs one file');
      return inspect(kb, args[0] as string, say, io);
    default:
      return usage(io, `unknown command ${JSON.stringify(command)}`);
  }
}

function usage(io: Io, problem: string): number {
  io.err.write(`kb: ${problem}\n\n${KB_USAGE}\n`);
  return 2;
}

function openKb(kb: KbConfig, indexDir: string, io: Io, onProgress?: (p: BuildProgress) => void): LocalKnowledgeBase {
  const log: LoggerPort = { debug() {}, info() {}, warn: (m, f) => io.err.write(`${m} ${JSON.stringify(f ?? {})}\n`), error: (m, f) => io.err.write(`${m} ${JSON.stringify(f ?? {})}\n`) };
  return new LocalKnowledgeBase({ ...kb, indexDir, watchDebounceMs: 0, log, ...(onProgress ? { onProgress } : {}) });
}

async function status(dir: string, indexDir: string, say: (line: string) => void): Promise<number> {
  const stored = await new IndexStore(indexDir).load(dir).catch((error: Error) => {
    say(`the index in ${indexDir} cannot be read (${error.message}); kb reindex rebuilds it`);
    return null;
  });
  if (stored === null) return 1;
  if (!stored) {
    say(`no index for ${dir} in ${indexDir} yet: start the service or run kb reindex`);
    return 1;
  }
  const m = stored.manifest;
  const problems = [...m.problems, ...m.files.flatMap((f) => f.problems)];
  say(`folder     ${m.dir}`);
  say(`index      ${indexDir} (${formatBytes(await folderBytes(indexDir))})`);
  say(`built      ${m.builtAt} in ${(m.buildMs / 1000).toFixed(1)} s`);
  say(`files      ${m.files.length}`);
  say(`documents  ${m.files.reduce((n, f) => n + f.documents, 0)}`);
  say(`passages   ${stored.passages.length}`);
  say(`FAQ        ${m.files.reduce((n, f) => n + f.faqs.length, 0)} entries`);
  say(`skipped    ${problems.length}`);
  for (const p of problems) say(`  ${p.source}: ${p.reason}`);
  return 0;
}

async function inspect(kb: KbConfig, file: string, say: (line: string) => void, io: Io): Promise<number> {
  const root = await realpath((await stat(kb.dir)).isFile() ? resolve(kb.dir, '..') : kb.dir);
  let real: string;
  try {
    real = await realpath(resolve(kb.dir, file));
  } catch {
    real = '';
  }
  if (!real || (real !== root && !real.startsWith(root + sep))) {
    io.err.write(`kb: ${file} is not a file inside KB_DIR (${root})\n`);
    return 2;
  }
  const path = relative(root, real).split(sep).join('/');
  const reader = defaultReaderFor(path);
  if (!reader) {
    io.err.write(`kb: ${path}: not a format the knowledge base reads\n`);
    return 2;
  }
  const size = (await stat(real)).size;
  const bytes = await readWalkedFile({ path, realPath: real, size }, kb.maxFileBytes);
  const metas = await metaFor(root, path);
  const content = await ingestFile(path, bytes, reader, metas.for(path), kb.passageChars);
  say(`${path}: ${content.documents} documents, ${content.passages.length} passages, ${content.faqs.length} FAQ entries`);
  for (const [i, p] of content.passages.entries()) {
    say(`\n[${i + 1}] ${p.docId}  ${p.headingPath.join(' › ')}${p.page ? `  (page ${p.page})` : ''}  ${p.text.length} chars${p.spaceId ? `  space ${p.spaceId}` : ''}${p.url ? `  ${p.url}` : ''}`);
    say(p.text);
  }
  for (const f of content.faqs) say(`\nFAQ ${f.id}: ${f.question}${f.similar.length ? ` (similar: ${f.similar.join(' | ')})` : ''}\n  ${f.answer}`);
  for (const p of content.problems) say(`\nskipped ${p.source}: ${p.reason}`);
  return 0;
}

/** The `_kb.yaml` files on the way from the root to `path`. */
async function metaFor(root: string, path: string): Promise<FolderMetaTable> {
  const segments = path.split('/').slice(0, -1);
  const files: { path: string; text: string }[] = [];
  for (let depth = 0; depth <= segments.length; depth++) {
    const rel = [...segments.slice(0, depth), FOLDER_META_FILE].join('/');
    const abs = join(root, ...segments.slice(0, depth), FOLDER_META_FILE);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isFile()) files.push({ path: rel, text: (await readWalkedFile({ path: rel, realPath: abs, size: info.size }, 64 * 1024)).toString('utf8') });
  }
  return FolderMetaTable.parse(files, []);
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath ?? dir, entry.name))).size;
  }
  return total;
}

function formatBytes(n: number): string {
  return n > 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}
