import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Block, IngestProblem, Reader, ReaderOutput } from '../blocks.js';
import { dropRunningLines, linesToBlocks, pageLines, type PdfLine, type PdfTextItem } from './pdf-layout.js';
import { errorLine, onlyProblem } from './reader-support.js';

/** Pages read from one PDF; past this the rest is left out, with a problem saying so. */
export const MAX_PDF_PAGES = 2000;

// pdfjs loads its CMaps (Chinese CID fonts) and standard fonts from these folders, nothing else.
const PDFJS_DIR = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const CMAP_DIR = join(PDFJS_DIR, 'cmaps') + '/';
const FONT_DIR = join(PDFJS_DIR, 'standard_fonts') + '/';

/**
 * Text PDFs: lines rebuilt from the text runs, paragraphs from vertical
 * gaps, running headers, footers and page numbers dropped; every block
 * carries its 1-based page. The title is the PDF's own Title unless it is a
 * producer's placeholder, else its first heading, else its first line.
 */
export const readPdf: Reader = (file) => readPdfPages(file, MAX_PDF_PAGES);

/** `readPdf` with another page limit (tests). */
export async function readPdfPages({ path, bytes }: { readonly path: string; readonly bytes: Buffer }, maxPages: number): Promise<ReaderOutput> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const task = getDocument({
    // pdfjs takes ownership of (detaches) the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    cMapUrl: CMAP_DIR,
    cMapPacked: true,
    standardFontDataUrl: FONT_DIR,
    disableFontFace: true,
    isEvalSupported: false,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  try {
    let pdf;
    try {
      pdf = await task.promise;
    } catch (error) {
      if ((error as Error)?.name === 'PasswordException') return onlyProblem(path, 'encrypted PDF (it needs a password)');
      return onlyProblem(path, `corrupt or truncated PDF: ${errorLine(error)}`);
    }
    const problems: IngestProblem[] = [];
    const pageCount = Math.min(pdf.numPages, maxPages);
    if (pdf.numPages > maxPages) problems.push({ source: path, reason: `PDF has ${pdf.numPages} pages; only the first ${maxPages} were read` });
    const pages: PdfLine[][] = [];
    for (let n = 1; n <= pageCount; n++) {
      try {
        const page = await pdf.getPage(n);
        const content = await page.getTextContent();
        pages.push(pageLines(content.items.filter((i) => 'str' in i) as PdfTextItem[], n));
        page.cleanup();
      } catch (error) {
        problems.push({ source: path, reason: `page ${n} could not be read: ${errorLine(error)}` });
        pages.push([]);
      }
    }
    if (!pages.some((lines) => lines.length > 0)) return { documents: [], faqs: [], problems: [...problems, { source: path, reason: 'no text layer (scanned or image-only PDF)' }] };
    const blocks = linesToBlocks(dropRunningLines(pages).flat());
    const info = await pdf.getMetadata().then((m) => m.info as Record<string, unknown>, () => ({}) as Record<string, unknown>);
    return { documents: [{ title: pdfOwnTitle(info.Title) ?? firstTitle(blocks), blocks, source: path }], faqs: [], problems };
  } finally {
    await task.destroy();
  }
}

/** The Title entry, unless it is a placeholder a producer writes ("Microsoft Word - x.docx", "Untitled"). */
export function pdfOwnTitle(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const title = value.replace(/\s+/g, ' ').trim();
  if (!title || title.length > 200) return undefined;
  if (/^(?:microsoft\s+\w+\s+-\s|untitled|无标题|未命名|document\d*$)/i.test(title)) return undefined;
  if (/\.(?:docx?|xlsx?|pptx?|pdf|html?|txt|rtf|odt|wps)$/i.test(title)) return undefined;
  return title;
}

function firstTitle(blocks: readonly Block[]): string | undefined {
  const heading = blocks.find((b) => b.kind === 'heading' && b.level === 1) ?? blocks.find((b) => b.kind === 'heading');
  if (heading?.kind === 'heading') return heading.text;
  const first = blocks.find((b) => b.kind === 'paragraph');
  return first?.kind === 'paragraph' ? first.text.split('\n')[0]?.slice(0, 120) : undefined;
}
