import { expect } from 'chai';
import fc from 'fast-check';
import { postSse, sendJson, type SseReply } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

/** Any reply to a chat call must be a protocol answer or the protocol's JSON error — never a 5xx, never a crash. */
function expectJsonErrorOrSync(status: number, body: Record<string, unknown>): void {
  expect(status, JSON.stringify(body)).to.be.lessThan(500);
  if (status === 200) {
    expect(body).to.include.keys('code', 'err_msg', 'msg_content', 'recall_docs', 'third_party_trace_id');
    if (body.code === 0) expect(body.msg_content).to.be.a('string').and.not.equal('');
    else expect(body.err_msg).to.be.a('string').and.not.equal('');
    return;
  }
  expect(body.code).to.be.a('number').and.not.equal(0);
  expect(body.err_msg).to.be.a('string').and.not.equal('');
  expect(body.third_party_trace_id).to.be.a('string');
  expect(JSON.stringify(body)).to.not.match(/\bat .+\.ts:\d+|node_modules|\/work\//);
}

function expectStreamOrJsonError(reply: SseReply): void {
  expect(reply.status).to.be.lessThan(500);
  if (reply.status !== 200) {
    expectJsonErrorOrSync(reply.status, JSON.parse(reply.body) as Record<string, unknown>);
    return;
  }
  expect(reply.body).to.match(/^(event:delta\ndata:[^\n]+\n\n)+$/);
  expect(reply.frames.filter((f) => f.data.finished)).to.have.length(1);
  expect(reply.frames.at(-1)?.data.finished).to.equal(true);
  for (const f of reply.frames) expect(f.data.response.isWellFormed()).to.equal(true);
}

/** Strings of any UTF-16 code units, lone surrogates included. */
const anyText = fc.string({ unit: 'binary', maxLength: 60 });
const almostValid = fc.record(
  {
    user: fc.oneof(anyText, fc.constant('zhangsan')),
    msg_type: fc.oneof(fc.constant('text'), anyText),
    content: fc.oneof(anyText, fc.constant('怎么配置回调地址？')),
    msg_id: fc.oneof(anyText, fc.constant(null), fc.integer()),
    session_id: fc.oneof(anyText, fc.constant(null)),
    business_keys: fc.oneof(fc.array(anyText, { maxLength: 4 }), fc.constant(null), anyText),
    extra: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);
/** Huge or deeply nested values, built directly so generation stays cheap. */
const extreme = fc.oneof(
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"user":"u","msg_type":"text","content":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`),
  fc.integer({ min: 4000, max: 1_200_000 }).map((n) => JSON.stringify({ user: 'u', msg_type: 'text', content: '长'.repeat(n / 3) })),
  fc.integer({ min: 1, max: 200 }).map((n) => JSON.stringify({ user: 'u', msg_type: 'text', content: 'q', business_keys: Array(n * 10).fill('k') })),
);
const bodies = fc.oneof(
  fc.json({ maxDepth: 4 }),
  almostValid.map((v) => JSON.stringify(v)),
  anyText,
  extreme,
);

describe('fuzzing chat request bodies against the real app', function () {
  this.timeout(120_000);
  let service: TestService;
  before(async () => {
    service = await startTestService({ MOCK_LLM_DELAY_MS: '0', MOCK_LLM_ANSWER: '好的😀' });
  });
  after(() => service.close());

  it('when /chat/sync gets arbitrary JSON-typed bodies, then every reply is a sync answer or a protocol JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const reply = await sendJson(service.url, '/chat/sync', { body });
        expectJsonErrorOrSync(reply.status, reply.body);
      }),
      { numRuns: 250 },
    );
  });

  it('when /chat gets arbitrary JSON-typed bodies, then every reply is a well-formed stream or a protocol JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        expectStreamOrJsonError(await postSse(service.url, body));
      }),
      { numRuns: 200 },
    );
  });

  it('when random bytes arrive as application/json, then each gets a 4xx protocol JSON error or an answer, and the service lives on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        const reply = await sendJson(service.url, '/chat/sync', { body: Buffer.from(bytes) });
        expectJsonErrorOrSync(reply.status, reply.body);
      }),
      { numRuns: 200 },
    );
    expect((await fetch(`${service.url}/health`)).status).to.equal(200);
  });
});
