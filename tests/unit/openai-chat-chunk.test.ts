import { expect } from 'chai';
import { readChunk } from '../../src/adapters/llm/chat-chunk.js';
import { LlmUnavailable } from '../../src/adapters/llm/llm-fault.js';
import { retryAfter } from '../../src/adapters/llm/upstream-fault.js';

const read = (data: string, event: string | null = null) => readChunk({ event, data }, 'api.example.invalid');

function faultOf(fn: () => unknown): LlmUnavailable {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(LlmUnavailable);
    return error as LlmUnavailable;
  }
  throw new Error('expected a fault');
}

describe('readChunk', () => {
  it('when a chunk carries content and provider extras, then only the content is read', () => {
    const chunk = { choices: [{ index: 0, delta: { content: '好', reasoning_content: '', tool_calls: [] } }], note: '以上内容为AI生成', obfuscation: 'x' };
    expect(read(JSON.stringify(chunk))).to.deep.equal({ content: '好', reasoning: '' });
  });

  it('when a usage chunk has choices:[], then it reads as nothing', () => {
    expect(read('{"choices":[],"usage":{"total_tokens":3}}')).to.deep.equal({ content: '', reasoning: '' });
  });

  it('when reasoning comes as reasoning_content or reasoning, then it is read as reasoning', () => {
    expect(read('{"choices":[{"delta":{"reasoning_content":"想"}}]}').reasoning).to.equal('想');
    expect(read('{"choices":[{"delta":{"reasoning":"think","channel":"analysis"}}]}').reasoning).to.equal('think');
  });

  it('when the data is not JSON, then it is a malformed fault naming the provider', () => {
    const fault = faultOf(() => read('{"choices":'));
    expect(fault.reason).to.equal('malformed');
    expect(fault.message).to.include('api.example.invalid');
  });

  it('when content is not a string, then it is a malformed fault', () => {
    expect(faultOf(() => read('{"choices":[{"delta":{"content":5}}]}')).reason).to.equal('malformed');
  });

  it('when an error event or an error payload arrives, then it is a stream_error fault carrying its message', () => {
    expect(faultOf(() => read('{"error":{"message":"overloaded"}}')).message).to.include('overloaded');
    expect(faultOf(() => read('{"message":"bye"}', 'error')).reason).to.equal('stream_error');
    expect(faultOf(() => read('upstream exploded', 'error')).message).to.include('upstream exploded');
  });
});

describe('retryAfter', () => {
  it('when the upstream says seconds, milliseconds or a date, then the wait is read in ms', () => {
    expect(retryAfter(new Headers({ 'retry-after': '2' }))).to.equal(2000);
    expect(retryAfter(new Headers({ 'retry-after-ms': '150', 'retry-after': '9' }))).to.equal(150);
    const inFive = new Date(Date.now() + 5000).toUTCString();
    expect(retryAfter(new Headers({ 'retry-after': inFive }))).to.be.within(3000, 5000);
    expect(retryAfter(new Headers({ 'retry-after': 'soon' }))).to.equal(undefined);
    expect(retryAfter(new Headers())).to.equal(undefined);
  });
});
