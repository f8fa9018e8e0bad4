import { expect } from 'chai';
import { Agent, request, type IncomingMessage } from 'node:http';
import { CallerGone } from '../../src/domain/turn-failure.js';
import { ScriptedLlm } from '../fakes/scripted-llm.fake.js';
import { A_QUESTION, startTestService, type TestService } from '../support/test-service.js';

/** One call over `agent`; resolves with the response and whether it went over a reused socket. */
function call(agent: Agent, url: string, path: string): Promise<{ res: IncomingMessage; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) =>
      resolve({ res, reused: req.reusedSocket }),
    );
    req.on('error', reject);
    req.end(JSON.stringify(A_QUESTION));
  });
}

const bodyOf = (res: IncomingMessage) => new Promise<string>((resolve) => {
  let text = '';
  res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
});

describe('turns on one keep-alive connection', () => {
  let service: TestService | undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  afterEach(async () => {
    await service?.close();
    service = undefined;
  });
  after(() => agent.destroy());

  it('when calls follow each other on one connection, then each is answered, and hanging up on a later one still cancels its turn', async () => {
    const llm = new ScriptedLlm(['一', { wait: 300 }, '二']);
    service = await startTestService({}, { llm });
    const first = await call(agent, service.url, '/chat/sync');
    expect(JSON.parse(await bodyOf(first.res))).to.include({ code: 0, msg_content: '一二' });
    const second = await call(agent, service.url, '/chat/sync');
    expect(second.reused).to.equal(true);
    expect(JSON.parse(await bodyOf(second.res))).to.include({ code: 0, msg_content: '一二' });
    expect(llm.abortReasons).to.deep.equal([]); // finished turns are not aborted afterwards

    const third = await call(agent, service.url, '/chat');
    expect(third.reused).to.equal(true);
    await new Promise((resolve) => third.res.once('data', resolve)); // the first piece is out
    third.res.destroy();
    const deadline = Date.now() + 2000;
    while (!llm.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(llm.abortReasons).to.have.length(1);
    expect(llm.abortReasons[0]).to.be.instanceOf(CallerGone);
  });
});
