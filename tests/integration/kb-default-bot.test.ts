import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postSse, sendJson } from '../support/sse-client.js';
import { startTestService, type TestService } from '../support/test-service.js';

const ASK = { user: 'zhangsan', msg_type: 'text', msg_id: 'm-1', session_id: 's-1' };

describe('the default bot: extractive answers from the bundled knowledge/ folder', () => {
  let service: TestService | undefined;
  afterEach(async () => service?.close());

  it('when asked how to set the callback URL over /chat/sync, then it answers from the docs and cites the page', async () => {
    service = await startTestService({ LLM_PROVIDER: 'extractive', KB_PROVIDER: 'local', EXTRACTIVE_DELAY_MS: '0' });
    const reply = await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: '怎么配置回调地址？' } });
    expect(reply.status).to.equal(200);
    expect(reply.body).to.include({ code: 0, err_msg: '', is_recall_success: 1 });
    expect(reply.body.msg_content).to.include('/chat/sync').and.include('《接入易事厅：配置回调地址》');
    const docs = reply.body.recall_docs as { doc_id: string; title: string; score: number }[];
    expect(docs[0]).to.include({ doc_id: 'kb-connect-yishiting', title: '接入易事厅：配置回调地址' });
    expect(docs[0]!.score).to.be.within(0, 1);
    expect(new Set(docs.map((d) => d.doc_id)).size).to.equal(docs.length);
  });

  it('when nothing is configured at all, then the defaults stream an answer about nginx with its document cited', async () => {
    // Empty values count as unset, so this loads the shipped defaults (extractive + local).
    service = await startTestService({ LLM_PROVIDER: '', KB_PROVIDER: '', EXTRACTIVE_DELAY_MS: '0' });
    const reply = await postSse(service.url, { ...ASK, content: 'SSE 在 nginx 后面被缓冲了怎么办？' });
    expect(reply.status).to.equal(200);
    const last = reply.frames.at(-1)!;
    expect(last.data.finished).to.equal(true);
    expect(last.data.global_output.answer_success).to.equal(1);
    const docs = last.data.global_output.docs as { doc_id: string }[];
    expect(docs[0]?.doc_id).to.equal('kb-troubleshoot-nginx-sse');
    expect(reply.frames.length).to.be.greaterThan(10); // streamed piece by piece
    expect(reply.frames.map((f) => f.data.response).join('')).to.include('proxy_buffering off');
  });

  it('when nothing relevant is in the knowledge base, then it says so plainly with answer_success 0', async () => {
    service = await startTestService({ LLM_PROVIDER: 'extractive', KB_PROVIDER: 'local' });
    const reply = await postSse(service.url, { ...ASK, content: '今天天气怎么样' });
    const last = reply.frames.at(-1)!;
    expect(last.data.finished).to.equal(true);
    expect(last.data.global_output).to.deep.include({ answer_success: 0, docs: [] });
    expect(reply.frames.map((f) => f.data.response).join('')).to.include('没有找到');
  });

  describe('with KB_PROVIDER=http', () => {
    let upstream: Server;
    afterEach(() => upstream?.close());

    it('when the retrieval API fails, then the turn is still answered, without documents (is_recall_success 0)', async () => {
      upstream = createServer((_req, res) => res.writeHead(503).end('down'));
      await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
      service = await startTestService({ LLM_PROVIDER: 'mock', MOCK_LLM_DELAY_MS: '0', KB_PROVIDER: 'http', KB_URL: url });
      const reply = await sendJson(service.url, '/chat/sync', { body: { ...ASK, content: '怎么请假？' } });
      expect(reply.body).to.include({ code: 0, is_recall_success: 0 });
      expect(reply.body.recall_docs).to.deep.equal([]);
      expect(reply.body.msg_content).to.be.a('string').and.not.equal('');
      expect(service.logLines().some((l) => l.message === 'retrieval failed; answering without documents')).to.equal(true);
    });
  });
});
