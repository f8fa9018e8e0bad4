import { expect } from 'chai';
import { typeOut } from '../../src/adapters/llm/typed-pieces.js';
import type { ReadyPieces } from '../../src/application/ports/llm.port.js';

async function all(pieces: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const piece of pieces) out.push(piece);
  return out;
}

describe('typeOut (the mock and extractive models typing)', () => {
  for (const delayMs of [0, 5]) {
    it(`when the delay is ${delayMs} ms, then the text comes one user-perceived character at a time`, async () => {
      const pieces = await all(typeOut('您好👍🏽!', delayMs, new AbortController().signal));
      expect(pieces).to.deep.equal(['您', '好', '👍🏽', '!']);
    });

    it(`when the delay is ${delayMs} ms and the signal aborts mid-answer, then it rejects with the signal's reason`, async () => {
      const control = new AbortController();
      const reason = new Error('turn over');
      const seen: string[] = [];
      const error = await (async () => {
        for await (const piece of typeOut('一二三', delayMs, control.signal)) {
          seen.push(piece);
          control.abort(reason);
        }
      })().catch((e: unknown) => e);
      expect(error).to.equal(reason);
      expect(seen).to.deep.equal(['一']);
    });
  }

  it('when the reader stops early with no delay, then nothing more comes', async () => {
    const pieces = typeOut('一二三', 0, new AbortController().signal)[Symbol.asyncIterator]();
    expect((await pieces.next()).value).to.equal('一');
    await pieces.return?.();
    expect((await pieces.next()).done).to.equal(true);
  });

  it('when there is no delay, then nextReady() hands the pieces over without a promise, and throws the reason once aborted', () => {
    const control = new AbortController();
    const pieces = typeOut('一二三', 0, control.signal)[Symbol.asyncIterator]() as ReadyPieces;
    expect(pieces.nextReady()).to.deep.equal({ value: '一', done: false });
    expect(pieces.nextReady()).to.deep.equal({ value: '二', done: false });
    const reason = new Error('turn over');
    control.abort(reason);
    expect(() => pieces.nextReady()).to.throw(reason.message);
  });

  it('when there is a delay, then the pieces have no nextReady() (each one waits)', () => {
    const pieces = typeOut('一二', 5, new AbortController().signal)[Symbol.asyncIterator]();
    expect('nextReady' in pieces).to.equal(false);
  });
});
