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

  it('when the Content-Type carries any charset, then only utf-8 (any case) is read; every other charset is a 415 naming it', async () => {
    const charset = fc.oneof(fc.constantFrom('utf-8', 'UTF-8', 'utf8', 'Utf-8', 'gbk', 'gb2312', 'GB18030', 'latin1', 'utf-16', 'big5'), fc.stringMatching(/^[a-z0-9-]{1,12}$/));
    await fc.assert(
      fc.asyncProperty(charset, async (cs) => {
        const reply = await sendJson(service.url, '/chat/sync', {
          body: { user: 'u', msg_type: 'text', content: '好' },
          headers: { 'content-type': `application/json; charset=${cs}` },
        });
        if (/^utf-?8$/i.test(cs)) expect(reply.status, cs).to.equal(200);
        else {
          expect(reply.status, cs).to.equal(415);
          expect(String(reply.body.err_msg).toLowerCase()).to.include(cs.toLowerCase().slice(0, 40));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('fuzzing route spellings with credentials on', function () {
  this.timeout(120_000);
  let service: TestService;
  before(async () => {
    service = await startTestService({ AUTH_TOKEN: 'fuzz-token', MOCK_LLM_DELAY_MS: '0' });
  });
  after(() => service.close());

  it('when a protected path is spelled with random letter case, slashes and encodings, then it never answers 200 without the token', async () => {
    const spelled = fc
      .tuple(fc.constantFrom('/chat', '/chat/sync', '/chat/async', '/playground'), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.constantFrom('', '/', '//', '%2F', '?a=1', '#x'))
      .map(([path, flips, tail]) =>
        Array.from(path)
          .map((c, i) => (flips[i] ? (c === '/' ? '//' : c === 'a' ? '%61' : c.toUpperCase()) : c))
          .join('') + tail,
      );
    await fc.assert(
      fc.asyncProperty(spelled, async (path) => {
        const reply = await sendJson(service.url, path, { body: { user: 'u', msg_type: 'text', content: '好' } });
        expect(reply.status, path).to.not.equal(200);
        expect(reply.status, path).to.be.lessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});
