import { parseJsonObject, type StreamFrame } from '../client/reply-shapes.js';

/** A `/chat` body read strictly against PROTOCOL.md. */
export interface StreamAnalysis {
  /** Frames whose block had the exact shape and whose data was a JSON object, in order. */
  readonly frames: readonly StreamFrame[];
  /** Comment lines seen (`: keep-alive`); allowed only when keep-alive is switched on. */
  readonly comments: number;
  /** Every way the bytes differ from `event:delta\ndata:<one-line JSON>\n\n` frames. */
  readonly formatProblems: readonly string[];
}

const FRAME = /^event:delta\ndata:([^\n]*)$/;
const show = (text: string) => JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);

/**
 * Splits the whole body on blank lines and holds each block to the exact
 * frame the protocol shows: no `\r`, no space after the colons, no other
 * fields, and the body ends with the blank line that closes the last frame.
 */
export function analyseStream(body: string): StreamAnalysis {
  const frames: StreamFrame[] = [];
  const formatProblems: string[] = [];
  let comments = 0;
  if (body.includes('\r')) formatProblems.push('the body contains \\r; frames must use bare \\n line ends');
  if (body !== '' && !body.endsWith('\n\n')) formatProblems.push(`the body does not end with a blank line: ends ${show(body.slice(-40))}`);
  const blocks = body.split('\n\n').filter((b) => b !== '');
  blocks.forEach((block, index) => {
    const lines = block.split('\n');
    const commentLines = lines.filter((l) => l.startsWith(':'));
    comments += commentLines.length;
    const rest = lines.filter((l) => !l.startsWith(':')).join('\n');
    if (rest === '') return; // a keep-alive block
    const match = FRAME.exec(rest);
    if (!match) {
      formatProblems.push(`block ${index + 1} is not "event:delta\\ndata:<json>": ${show(block)}`);
      return;
    }
    const data = parseJsonObject(match[1]);
    if (!data) {
      formatProblems.push(`block ${index + 1}: data is not a JSON object: ${show(match[1] ?? '')}`);
      return;
    }
    frames.push(data as unknown as StreamFrame);
  });
  if (blocks.length === 0) formatProblems.push('the body has no frames');
  return { frames, comments, formatProblems };
}

/** Problems with one frame's fields: exactly `response` (string), `finished` (boolean), `global_output` (object). */
export function frameFieldProblems(frame: StreamFrame, index: number): string[] {
  const problems: string[] = [];
  const keys = Object.keys(frame).sort().join(',');
  if (keys !== 'finished,global_output,response') problems.push(`frame ${index + 1} has fields {${keys}}, want {response,finished,global_output}`);
  if (typeof frame.response !== 'string') problems.push(`frame ${index + 1}: response is ${typeof frame.response}, want string`);
  if (typeof frame.finished !== 'boolean') problems.push(`frame ${index + 1}: finished is ${typeof frame.finished}, want boolean`);
  const go = frame.global_output as unknown;
  if (go === null || typeof go !== 'object' || Array.isArray(go)) problems.push(`frame ${index + 1}: global_output is not an object`);
  return problems;
}

/**
 * Where pieces break the answer: a lone surrogate inside a piece, or a cut
 * between two pieces that is not a grapheme boundary of the whole answer
 * (a split emoji, a base character parted from its combining mark).
 */
export function pieceProblems(pieces: readonly string[]): string[] {
  const problems: string[] = [];
  pieces.forEach((p, i) => {
    if (!p.isWellFormed()) problems.push(`piece ${i + 1} holds a lone UTF-16 surrogate: ${JSON.stringify(p)}`);
  });
  const whole = pieces.join('');
  const boundaries = new Set<number>([whole.length]);
  for (const { index } of new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(whole)) boundaries.add(index);
  let offset = 0;
  pieces.forEach((p, i) => {
    offset += p.length;
    if (!boundaries.has(offset)) {
      problems.push(`the cut after piece ${i + 1} splits a character: …${JSON.stringify(whole.slice(Math.max(0, offset - 4), offset + 4))}…`);
    }
  });
  return problems;
}
