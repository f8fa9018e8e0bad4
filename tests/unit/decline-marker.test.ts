import { expect } from 'chai';
import { DECLINE_MARKER, DECLINED, DeclineGate } from '../../src/application/decline-marker.js';

/** Runs `pieces` through a gate: what went out, and whether it declined. */
function gate(pieces: readonly string[]): { out: string; declined: boolean; heldMax: number } {
  const g = new DeclineGate();
  let out = '';
  let sent = 0;
  let heldMax = 0;
  for (const piece of pieces) {
    sent += piece.length;
    const passed = g.push(piece);
    if (passed === DECLINED) return { out, declined: true, heldMax };
    out += passed;
    heldMax = Math.max(heldMax, sent - out.length);
  }
  return { out: out + g.end(), declined: false, heldMax };
}

/** Every way of cutting `text` into two or three pieces. */
function splits(text: string): string[][] {
  const all: string[][] = [];
  for (let i = 1; i < text.length; i++) {
    all.push([text.slice(0, i), text.slice(i)]);
    for (let j = i + 1; j < text.length; j++) all.push([text.slice(0, i), text.slice(i, j), text.slice(j)]);
  }
  return all;
}

describe('DeclineGate: the no-answer marker at the start of an answer', () => {
  it('when the marker is split across every chunk boundary, then it is recognised and nothing goes out', () => {
    for (const text of [DECLINE_MARKER, `${DECLINE_MARKER}资料中没有相关内容。`, `\n  ${DECLINE_MARKER}`]) {
      for (const pieces of splits(text)) expect(gate(pieces), JSON.stringify(pieces)).to.deep.include({ out: '', declined: true });
    }
    expect(gate([...DECLINE_MARKER])).to.deep.include({ out: '', declined: true });
  });

  it('when the text diverges from the marker, then everything held goes out at once and nothing is lost', () => {
    for (const text of ['[[NO_ANSWER] 不是标记', '[[NO', '[链接](http://x)', '请先重启。', ` ${DECLINE_MARKER.slice(0, 5)}x`]) {
      for (const pieces of splits(text)) {
        const g = new DeclineGate();
        let out = '';
        for (const piece of pieces) {
          const passed = g.push(piece);
          if (passed === DECLINED) throw new Error(`declined on ${JSON.stringify(pieces)}`);
          out += passed;
        }
        // Once the text is no prefix of the marker, nothing is held any longer.
        const diverged = !DECLINE_MARKER.startsWith(text.trimStart());
        if (diverged) expect(out, JSON.stringify(pieces)).to.equal(text);
        expect(out + g.end()).to.equal(text);
      }
    }
  });

  it('when the stream is only a prefix of the marker and then ends, then the held characters go out as written', () => {
    expect(gate(['[[NO_', 'ANS'])).to.deep.equal({ out: '[[NO_ANS', declined: false, heldMax: 8 });
    expect(gate(['  ', '['])).to.deep.include({ out: '  [', declined: false });
  });

  it('when the marker comes later in an answer, then it is part of the answer', () => {
    const text = `答案如下。${DECLINE_MARKER}`;
    for (const pieces of splits(text)) expect(gate(pieces)).to.deep.include({ out: text, declined: false, heldMax: 0 });
  });

  it('when a model writes only whitespace for long, then the gate stops holding it', () => {
    const { out, declined } = gate([' '.repeat(100), DECLINE_MARKER]);
    expect(declined).to.equal(false);
    expect(out).to.equal(' '.repeat(100) + DECLINE_MARKER);
  });
});
