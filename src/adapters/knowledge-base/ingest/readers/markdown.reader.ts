import { parse as parseYaml } from 'yaml';
import type { Reader, ReaderOutput } from '../blocks.js';
import { markdownToBlocks } from './markdown-blocks.js';
import { decodeUtf8, onlyProblem, textOf } from './reader-support.js';

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * Markdown (`.md`, `.markdown`), optionally with YAML front matter
 * (`doc_id`, `title`, `url`, `space_id`). Without a front-matter title the
 * first level-1 heading names the document, else the first heading.
 */
export const readMarkdown: Reader = async ({ path, bytes }): Promise<ReaderOutput> => {
  const content = decodeUtf8(bytes);
  if (content === undefined) return onlyProblem(path, 'not UTF-8 text');
  const match = FRONT_MATTER.exec(content);
  let meta: Record<string, unknown> = {};
  if (match) {
    let parsed: unknown;
    try {
      parsed = parseYaml(match[1] ?? '', { maxAliasCount: 50 });
    } catch (error) {
      return onlyProblem(path, `front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      return onlyProblem(path, 'front matter must be a mapping of keys to values');
    }
    meta = (parsed ?? {}) as Record<string, unknown>;
  }
  const blocks = markdownToBlocks(match ? content.slice(match[0].length) : content);
  const headings = blocks.filter((b) => b.kind === 'heading');
  const title = textOf(meta.title) ?? (headings.find((h) => h.level === 1) ?? headings[0])?.text;
  return {
    documents: [{ docId: textOf(meta.doc_id), title, url: textOf(meta.url), spaceId: textOf(meta.space_id), blocks, source: path }],
    faqs: [],
    problems: [],
  };
};
