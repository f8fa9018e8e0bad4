import { parse as parseYaml } from 'yaml';
import type { Block, Reader } from '../blocks.js';
import { markdownToBlocks } from './markdown-blocks.js';
import { errorLine, problemOnly, textOrProblem } from './reader-support.js';

/**
 * Markdown, optionally with YAML front matter (`doc_id`, `title`, `url`,
 * `space_id`). The title is the front matter's, else the first level-1
 * heading, else the first heading; fields the file does not state stay
 * undefined for folder metadata and the path to fill.
 */
export const readMarkdown: Reader = async ({ path, bytes }) => {
  const decoded = textOrProblem(path, bytes);
  if ('problem' in decoded) return decoded.problem;
  const content = decoded.text;
  const match = FRONT_MATTER.exec(content);
  let meta: Record<string, unknown> = {};
  if (match) {
    let parsed: unknown;
    try {
      parsed = parseYaml(match[1] ?? '');
    } catch (error) {
      return problemOnly(path, `front matter is not valid YAML: ${errorLine(error)}`);
    }
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      return problemOnly(path, 'front matter must be a mapping of keys to values');
    }
    meta = (parsed ?? {}) as Record<string, unknown>;
  }
  const blocks = markdownToBlocks(match ? content.slice(match[0].length) : content);
  if (blocks.length === 0) return problemOnly(path, 'no text after the front matter');
  return {
    documents: [
      {
        docId: field(meta.doc_id),
        title: field(meta.title) ?? headingTitle(blocks),
        url: field(meta.url),
        spaceId: field(meta.space_id),
        blocks,
        source: path,
      },
    ],
    faqs: [],
    problems: [],
  };
};

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function headingTitle(blocks: readonly Block[]): string | undefined {
  const headings = blocks.filter((b) => b.kind === 'heading');
  return (headings.find((h) => h.level === 1) ?? headings[0])?.text;
}

function field(value: unknown): string | undefined {
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  return text || undefined;
}
