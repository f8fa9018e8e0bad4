import { expect } from 'chai';
import type { EventSourceMessage } from 'eventsource-parser';
import { LlmUnavailable } from '../../src/adapters/llm/llm-fault.js';
import { sseMessages } from '../../src/adapters/llm/sse-messages.js';

const bodyOf = (...pieces: (string | Uint8Array)[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(typeof piece === 'string' ? new TextEncoder().encode(piece) : piece);
      controller.close();
    },
  });

async function read(body: ReadableStream<Uint8Array>, maxEventChars?: number) {
  const messages: EventSourceMessage[] = [];
  let comments = 0;
  for await (const message of sseMessages(body, 'api.example.invalid', () => comments++, maxEventChars)) messages.push(message);
  return { messages, comments };
}

describe('sseMessages', () => {
  it('when a character and a line are split across reads, then the messages come out whole', async () => {
    const bytes = new TextEncoder().encode('data: {"a":"您好"}\r\n\r\nevent: error\ndata: x\n\n');
    const cut = [bytes.subarray(0, 12), bytes.subarray(12, 17), bytes.subarray(17)]; // 12 lands inside 您
    const { messages } = await read(bodyOf(...cut));
    expect(messages.map((m) => [m.event, m.data])).to.deep.equal([
      [undefined, '{"a":"您好"}'],
      ['error', 'x'],
    ]);
  });

  it('when the body holds keep-alive comments, then each one is reported and none is a message', async () => {
    const { messages, comments } = await read(bodyOf(': keep-alive\n\n', ':\n', 'data: 1\n\n', ': ping\n\n'));
    expect(comments).to.equal(3);
    expect(messages.map((m) => m.data)).to.deep.equal(['1']);
  });

  it('when one event outgrows the limit, then the iteration ends with a malformed fault', async () => {
    const error = await read(bodyOf(`data: ${'x'.repeat(200)}`), 100).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(LlmUnavailable);
    expect((error as LlmUnavailable).reason).to.equal('malformed');
    expect((error as LlmUnavailable).message).to.include('api.example.invalid');
  });

  it('when the body breaks, then its error comes through', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
        controller.error(new TypeError('terminated'));
      },
    });
    const error = await read(body).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(TypeError).with.property('message', 'terminated');
  });
});
