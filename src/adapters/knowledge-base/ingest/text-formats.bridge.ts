import { parserFor } from '../document-parsers.js';
import type { Block, Reader, ReaderOutput } from './blocks.js';

/**
 * Markdown, text and JSON Lines through the first parsers (whole-text
 * documents), cut into blocks: `#` lines become headings, blank lines part
 * paragraphs. Used until the format readers (`readers/`) take over.
 */
export function bridgeReaderFor(path: string): Reader | undefined {
  const parse = parserFor(path);
  if (!parse) return undefined;
  return async ({ path: p, bytes }): Promise<ReaderOutput> => {
    let content: string;
    try {
      content = UTF8.decode(bytes);
    } catch {
      return { documents: [], faqs: [], problems: [{ source: p, reason: 'not UTF-8 text' }] };
    }
    const parsed = parse(p, content);
    return {
      documents: parsed.docs.map((d) => ({ docId: d.docId, title: d.title, url: d.url || undefined, spaceId: d.spaceId || undefined, blocks: toBlocks(d.text), source: d.source })),
      faqs: [],
      problems: parsed.problems,
    };
  };
}

function toBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const lines = para.trim().split('\n');
    const heading = /^(#{1,6})\s+(.*)$/.exec(lines[0] ?? '');
    if (heading) {
      blocks.push({ kind: 'heading', level: (heading[1] as string).length, text: (heading[2] as string).trim() });
      lines.shift();
    }
    const rest = lines.join('\n').trim();
    if (rest) blocks.push({ kind: 'paragraph', text: rest });
  }
  return blocks;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
