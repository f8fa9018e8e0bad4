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
  // Cut on code points so no piece starts or ends with half a surrogate pair.
  const chars = Array.from(sentence);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += maxChars) out.push(chars.slice(i, i + maxChars).join(''));
  return out;
}

/** A sentence with its closing punctuation (Chinese or Western) or a line. */
const SENTENCE = /[^。！？!?；;\n]+[。！？!?；;\n]*|[。！？!?；;\n]+/gu;
