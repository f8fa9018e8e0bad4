import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { IngestProblem, KbDocument } from './kb-document.js';

/** What one file yielded: its documents, and what in it had to be skipped. */
export interface Parsed {
  readonly docs: KbDocument[];
  readonly problems: IngestProblem[];
}

/**
 * Markdown, optionally with YAML front matter (`title`, `url`, `doc_id`,
 * `space_id`). Without a `title`, the first heading names the document, and
 * without one the file name does. `doc_id` defaults to the relative path.
 */
export function parseMarkdown(path: string, content: string): Parsed {
  const match = FRONT_MATTER.exec(content);
  let meta: Record<string, unknown> = {};
  if (match) {
    let parsed: unknown;
    try {
      parsed = parseYaml(match[1] ?? '');
    } catch (error) {
      return skip(path, `front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    }
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      return skip(path, 'front matter must be a mapping of keys to values');
    }
    meta = (parsed ?? {}) as Record<string, unknown>;
  }
  const body = match ? content.slice(match[0].length) : content;
  const heading = firstHeading(body);
  return {
    docs: [
      {
        docId: text(meta.doc_id) || path,
        title: text(meta.title) || heading || stem(path),
        url: text(meta.url),
        spaceId: text(meta.space_id),
        text: body.trim(),
        source: path,
      },
    ],
    problems: [],
  };
}

/** Plain text: the whole file is one document named after the file. */
export function parsePlainText(path: string, content: string): Parsed {
  return { docs: [{ docId: path, title: stem(path), url: '', spaceId: '', text: content.trim(), source: path }], problems: [] };
}

/**
 * JSON Lines, one document per line: `{"id","title","text","url"?,"space_id"?}`.
 * A line that is not such an object is reported (`file:line`) and skipped.
 */
export function parseJsonLines(path: string, content: string): Parsed {
  const docs: KbDocument[] = [];
  const problems: IngestProblem[] = [];
  content.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const source = `${path}:${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      problems.push({ source, reason: 'not valid JSON' });
      return;
    }
    const r = row as Record<string, unknown>;
    const id = typeof r?.id === 'number' ? String(r.id) : r?.id;
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      problems.push({ source, reason: 'not a JSON object' });
    } else if (typeof id !== 'string' || !id) {
      problems.push({ source, reason: '"id" must be a non-empty string or a number' });
    } else if (typeof r.text !== 'string' || !r.text.trim()) {
      problems.push({ source, reason: '"text" must be a non-empty string' });
    } else {
      docs.push({ docId: id, title: text(r.title) || id, url: text(r.url), spaceId: text(r.space_id), text: r.text, source });
    }
  });
  return { docs, problems };
}

/** The parser for a file name, or undefined for files the knowledge base does not read. */
export function parserFor(path: string): ((path: string, content: string) => Parsed) | undefined {
  return PARSERS[extname(path).toLowerCase()];
}

const PARSERS: Record<string, (path: string, content: string) => Parsed> = {
  '.md': parseMarkdown,
  '.markdown': parseMarkdown,
  '.txt': parsePlainText,
  '.jsonl': parseJsonLines,
};

const FRONT_MATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/**
 * The first ATX heading's text (`# Title #` → `Title`), found line by line in
 * linear time: the regex it replaces backtracked cubically on `# a` followed
 * by thousands of spaces (12 s of a blocked event loop for one line).
 */
export function firstHeading(body: string): string | undefined {
  let from = 0;
  while (from < body.length) {
    let end = body.indexOf('\n', from);
    if (end < 0) end = body.length;
    if (body.charCodeAt(from) === 0x23 /* # */) {
      const line = body.slice(from, end);
      let i = 0;
      while (i < line.length && i < 7 && line[i] === '#') i++;
      if (i <= 6 && i < line.length && (line[i] === ' ' || line[i] === '\t')) {
        let title = line.slice(i).trim();
        let cut = title.length;
        while (cut > 0 && title[cut - 1] === '#') cut--;
        if (cut < title.length && (cut === 0 || /\s/.test(title[cut - 1] as string))) title = title.slice(0, cut).trim();
        if (title) return title;
      }
    }
    from = end + 1;
  }
  return undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

function stem(path: string): string {
  return basename(path, extname(path));
}

function skip(source: string, reason: string): Parsed {
  return { docs: [], problems: [{ source, reason }] };
}
