import { parse as parseYaml } from 'yaml';
import type { IngestProblem } from './blocks.js';

/**
 * The metadata file a folder may hold: `_kb.yaml`, with `space_id` (matched
 * against `business_keys`) and `url` (a template for every file under the
 * folder). A file that cannot carry front matter (PDF, Word, Excel, HTML)
 * gets its space and link from here; the nearest folder wins, field by field,
 * and what a file says itself (front matter, a JSONL row, an HTML canonical
 * link) wins over both.
 */
export const FOLDER_META_FILE = '_kb.yaml';

/** What applies to one file. */
export interface FolderMeta {
  readonly spaceId?: string;
  /** The URL for the file, from the nearest template. */
  readonly url?: string;
}

interface MetaFile {
  readonly dir: string;
  readonly spaceId?: string;
  readonly urlTemplate?: string;
}

/** The metadata files of a folder, parsed; look-ups by file path. */
export class FolderMetaTable {
  private constructor(private readonly byDir: ReadonlyMap<string, MetaFile>) {}

  /** Parses each `_kb.yaml` (path relative to `KB_DIR`, its bytes); a bad one is a problem and is ignored. */
  static parse(files: readonly { path: string; text: string }[], problems: IngestProblem[]): FolderMetaTable {
    const byDir = new Map<string, MetaFile>();
    for (const file of files) {
      const dir = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '';
      try {
        const meta = checkMeta(parseYaml(file.text, { maxAliasCount: 10 }) ?? {});
        byDir.set(dir, { dir, ...meta });
      } catch (error) {
        problems.push({ source: file.path, reason: `folder metadata ignored: ${(error as Error).message}` });
      }
    }
    return new FolderMetaTable(byDir);
  }

  static empty(): FolderMetaTable {
    return new FolderMetaTable(new Map());
  }

  /** The space and URL for the file at `path` (relative to `KB_DIR`, `/`-separated). */
  for(path: string): FolderMeta {
    let spaceId: string | undefined;
    let url: string | undefined;
    const segments = path.split('/');
    for (let depth = segments.length - 1; depth >= 0 && (spaceId === undefined || url === undefined); depth--) {
      const meta = this.byDir.get(segments.slice(0, depth).join('/'));
      if (!meta) continue;
      spaceId ??= meta.spaceId;
      if (url === undefined && meta.urlTemplate) url = fillTemplate(meta.urlTemplate, segments.slice(depth));
    }
    return { ...(spaceId !== undefined ? { spaceId } : {}), ...(url !== undefined ? { url } : {}) };
  }
}

/**
 * `{path}`: the file's path below the metadata file's folder; `{stem}`: the
 * same without its extension; `{name}`: the file name. Each path segment is
 * percent-encoded, so a Chinese or spaced name makes a valid link.
 */
function fillTemplate(template: string, below: readonly string[]): string {
  const encoded = below.map(encodeURIComponent);
  const path = encoded.join('/');
  const stem = path.replace(/\.[^./]*$/, '');
  return template.replaceAll('{path}', path).replaceAll('{stem}', stem).replaceAll('{name}', encoded.at(-1) ?? '');
}

function checkMeta(raw: unknown): { spaceId?: string; urlTemplate?: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('expected a mapping of space_id and url');
  const meta = raw as Record<string, unknown>;
  const unknown = Object.keys(meta).filter((k) => k !== 'space_id' && k !== 'url');
  if (unknown.length > 0) throw new Error(`unknown keys ${unknown.join(', ')} (allowed: space_id, url)`);
  const out: { spaceId?: string; urlTemplate?: string } = {};
  if (meta.space_id !== undefined) {
    if (typeof meta.space_id !== 'string' && typeof meta.space_id !== 'number') throw new Error('space_id must be a string');
    out.spaceId = String(meta.space_id).trim();
  }
  if (meta.url !== undefined) {
    if (typeof meta.url !== 'string') throw new Error('url must be a string');
    const sample = fillTemplate(meta.url, ['x']);
    let parsed: URL;
    try {
      parsed = new URL(sample);
    } catch {
      throw new Error(`url ${JSON.stringify(meta.url)} is not an absolute URL template`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('url must be http or https');
    out.urlTemplate = meta.url;
  }
  return out;
}
