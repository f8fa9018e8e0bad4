import type { KbDocument, Passage } from './kb-document.js';

/**
 * Splits a document into passages of at most about `maxChars` characters,
 * cutting between paragraphs first, then between sentences, and only as a
 * last resort inside a sentence. Short documents stay one passage. Passages
 * are what gets ranked, so a long page is found by its relevant part and that
 * part (not the whole page) becomes the answer's context.
 */
export function splitIntoPassages(doc: KbDocument, maxChars: number): Passage[] {
  const text = doc.text.trim();
  if (text.length <= maxChars) return text ? [{ doc, text }] : [];
  const pieces = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .flatMap((p) => (p.length <= maxChars ? [p] : splitLong(p, maxChars)));
  const passages: Passage[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && current.length + piece.length + 2 > maxChars) {
      passages.push({ doc, text: current });
      current = '';
    }
    current = current ? `${current}\n\n${piece}` : piece;
  }
  if (current) passages.push({ doc, text: current });
  return passages;
}

function splitLong(paragraph: string, maxChars: number): string[] {
  const sentences = paragraph.match(SENTENCE) ?? [paragraph];
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences.flatMap((s) => hardCut(s, maxChars))) {
    if (current && current.length + sentence.length > maxChars) {
      out.push(current.trim());
      current = '';
    }
    current += sentence;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function hardCut(sentence: string, maxChars: number): string[] {
  if (sentence.length <= maxChars) return [sentence];
  // Cut by UTF-16 units, stepping back one where a cut would split a surrogate pair, so no piece
  // starts or ends with half a character: linear, and no array of every character (a 50 MB
  // paragraph without punctuation used to become a 50-million-element array).
  const out: string[] = [];
  let from = 0;
  while (from < sentence.length) {
    let to = Math.min(sentence.length, from + maxChars);
    const unit = sentence.charCodeAt(to - 1);
    if (to < sentence.length && unit >= 0xd800 && unit <= 0xdbff) to -= 1;
    out.push(sentence.slice(from, to));
    from = to;
  }
  return out;
}

/** A sentence with its closing punctuation (Chinese or Western) or a line. */
const SENTENCE = /[^。！？!?；;\n]+[。！？!?；;\n]*|[。！？!?；;\n]+/gu;
