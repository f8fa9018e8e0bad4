import { expect } from 'chai';
import { typeOut } from '../../src/adapters/llm/typed-pieces.js';

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
});
