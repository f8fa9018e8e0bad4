import mammoth from 'mammoth';
import type { Reader, ReaderOutput } from '../blocks.js';
import { htmlToBlocks } from './html-blocks.js';
import { errorLine, onlyProblem } from './reader-support.js';
import { checkOfficeZip, zipEntryBytes } from './zip-entries.js';

/** What a Word file may expand to in memory; a real manual of 32 MiB stays far below. */
const MAX_EXPANDED = 512 * 2 ** 20;

/**
 * Word `.docx`: mammoth turns it into HTML (headings from the Heading
 * styles, tables kept), then the HTML path makes the blocks. The title is the
 * first level-1 heading, else the file's own title (`docProps/core.xml`
 * `dc:title`), which mammoth does not read. mammoth's warnings (styles it
 * does not map) are not problems: the text is still read.
 */
export const readDocx: Reader = async ({ path, bytes }): Promise<ReaderOutput> => {
  const zip = await checkOfficeZip(bytes, 'word/document.xml', 'Word document', MAX_EXPANDED);
  if ('reason' in zip) return onlyProblem(path, zip.reason);
  let html: string;
  try {
    // Images are not text: leave their bytes unread instead of inlining them as base64.
    html = (await mammoth.convertToHtml({ buffer: bytes }, { convertImage: mammoth.images.imgElement(async () => ({ src: '' })) })).value;
  } catch (error) {
    return onlyProblem(path, `corrupt Word document: ${errorLine(error)}`);
  }
  const { blocks } = htmlToBlocks(html);
  if (blocks.length === 0) return onlyProblem(path, 'no text in the Word document');
  const core = zip.entries.find((e) => e.name === 'docProps/core.xml');
  const coreXml = core && zipEntryBytes(bytes, core, 1 << 20);
  const headings = blocks.flatMap((b) => (b.kind === 'heading' ? [b] : []));
  const title = headings.find((h) => h.level === 1)?.text ?? (coreXml && coreTitle(coreXml.toString('utf8'))) ?? headings[0]?.text;
  return { documents: [{ title, blocks, source: path }], faqs: [], problems: [] };
};

/** `<dc:title>` of the core properties, XML entities decoded, or undefined when empty. */
function coreTitle(xml: string): string | undefined {
  const raw = /<dc:title>([^<]*)<\/dc:title>/.exec(xml)?.[1];
  const title = raw
    ?.replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|(lt|gt|amp|quot|apos));/gi, (_m, hex: string, dec: string, name: string) => {
      if (name) return XML_ENTITIES[name.toLowerCase()] ?? '';
      const code = hex ? Number.parseInt(hex, 16) : Number(dec);
      return code <= 0x10ffff ? String.fromCodePoint(code) : '';
    })
    .replace(/\s+/g, ' ')
    .trim();
  return title || undefined;
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
