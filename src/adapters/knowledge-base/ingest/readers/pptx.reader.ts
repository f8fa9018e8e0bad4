import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';
import type { Block, IngestProblem, Reader, ReaderOutput } from '../blocks.js';
import { onlyProblem } from './reader-support.js';
import { checkOfficeZip, zipEntryBytes } from './zip-entries.js';

const MAX_EXPANDED = 512 * 2 ** 20;
/** One slide's XML; a real slide is a few KiB. */
const MAX_SLIDE_BYTES = 16 * 2 ** 20;
export const MAX_SLIDES = 2000;

/**
 * PowerPoint `.pptx`: each slide's text in shape order, its title
 * (the title placeholder, else its first text) as a heading carrying the
 * slide number as `page`, bulleted paragraphs as list items, tables as
 * tables. Speaker notes and pictures are not read. Slides are taken in the
 * order of their part names (slide1, slide2, …), which is PowerPoint's and
 * LibreOffice's save order.
 */
export const readPptx: Reader = async ({ path, bytes }): Promise<ReaderOutput> => {
  const zip = await checkOfficeZip(bytes, 'ppt/presentation.xml', 'PowerPoint deck', MAX_EXPANDED);
  if ('reason' in zip) return onlyProblem(path, zip.reason);
  const slides = zip.entries
    .map((e) => ({ e, n: Number(/^ppt\/slides\/slide(\d+)\.xml$/.exec(e.name)?.[1]) }))
    .filter((s) => Number.isInteger(s.n))
    .sort((a, b) => a.n - b.n);
  const problems: IngestProblem[] = [];
  if (slides.length > MAX_SLIDES) problems.push({ source: path, reason: `deck has ${slides.length} slides; only the first ${MAX_SLIDES} were read` });
  const blocks: Block[] = [];
  slides.slice(0, MAX_SLIDES).forEach(({ e }, i) => {
    const xml = zipEntryBytes(bytes, e, MAX_SLIDE_BYTES);
    if (!xml) problems.push({ source: path, reason: `slide ${i + 1} could not be read` });
    else blocks.push(...slideBlocks(xml.toString('utf8'), i + 1));
  });
  if (blocks.length === 0) return { documents: [], faqs: [], problems: [...problems, { source: path, reason: 'no text on any slide' }] };
  const first = blocks[0];
  const title = first?.kind === 'heading' ? first.text : undefined;
  return { documents: [{ title, blocks, source: path }], faqs: [], problems };
};

function slideBlocks(xml: string, page: number): Block[] {
  const doc = parseDocument(xml, { xmlMode: true });
  const shapes = descendants(doc.children).filter((e) => e.name === 'p:sp' || e.name === 'a:tbl');
  const isTitle = (sp: Element): boolean => descendants(sp.children).some((e) => e.name === 'p:ph' && /^(?:title|ctrTitle)$/.test(e.attribs.type ?? ''));
  const hasTitle = shapes.some(isTitle);
  const blocks: Block[] = [];
  let titled = false;
  for (const shape of shapes) {
    if (shape.name === 'a:tbl') {
      const rows = descendants(shape.children)
        .filter((e) => e.name === 'a:tr')
        .map((tr) => tr.children.filter((c): c is Element => c.type === 'tag' && c.name === 'a:tc').map((tc) => paragraphs(tc).map((p) => p.text).join(' ')));
      if (rows[0]) blocks.push({ kind: 'table', header: rows[0], rows: rows.slice(1), page });
      continue;
    }
    const paras = paragraphs(shape);
    if (!paras.length) continue;
    if (!titled && (hasTitle ? isTitle(shape) : true)) {
      titled = true;
      blocks.push({ kind: 'heading', level: 1, text: paras.map((p) => p.text).join(' '), page });
      continue;
    }
    for (const p of paras) blocks.push({ kind: p.bullet ? 'list_item' : 'paragraph', text: p.text, page });
  }
  return blocks;
}

/** A shape's `a:p` paragraphs with text: runs joined, `a:br` as a line break, bullets noted. */
function paragraphs(shape: Element): { text: string; bullet: boolean }[] {
  return descendants(shape.children)
    .filter((e) => e.name === 'a:p' && !inTable(e, shape))
    .map((p) => {
      const parts = descendants(p.children);
      const text = parts
        .map((e) => (e.name === 'a:t' ? e.children.map((c) => (c.type === 'text' ? c.data : '')).join('') : e.name === 'a:br' ? '\n' : ''))
        .join('')
        .replace(/[ \t]+/g, ' ')
        .trim();
      return { text, bullet: parts.some((e) => e.name === 'a:buChar' || e.name === 'a:buAutoNum') };
    })
    .filter((p) => p.text);
}

function inTable(e: Element, stop: Element): boolean {
  for (let p = e.parent; p && p !== stop; p = p.parent) if ((p as Element).name === 'a:tbl') return true;
  return false;
}

function descendants(nodes: readonly ChildNode[]): Element[] {
  const out: Element[] = [];
  const stack = [...nodes].reverse();
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type !== 'tag') continue;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i] as ChildNode);
  }
  return out;
}
