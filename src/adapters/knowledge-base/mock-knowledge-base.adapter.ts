import type { KnowledgeBasePort, RecallQuery } from '../../application/ports/knowledge-base.port.js';
import type { RecallResult, RecalledDoc } from '../../domain/recall-result.js';

/** The seed's fixed documents: every question recalls them. For tests and demos. */
export const MOCK_DOCS: readonly RecalledDoc[] = Object.freeze([
  {
    docId: '4010230492',
    spaceId: '632685097',
    title: '易事厅使用指南',
    url: 'https://example.invalid/p/4010230492',
    score: 0.881664,
    content: '易事厅是企业 IT 服务台平台。第三方机器人通过 HTTP 回调接入：智能机器人调用流式接口 /chat，客服号和群机器人调用同步接口 /chat/sync。',
  },
  {
    docId: '4010230493',
    spaceId: '632685097',
    title: '第三方机器人接入说明',
    url: 'https://example.invalid/p/4010230493',
    score: 0.762311,
    content: '在易事厅后台配置回调地址；每次调用有 60 秒超时，HTTP 状态码非 200 或 err_msg 非空视为失败。',
  },
]);

export class MockKnowledgeBase implements KnowledgeBasePort {
  constructor(private readonly docs: readonly RecalledDoc[] = MOCK_DOCS) {}

  async recall(_query: RecallQuery, signal: AbortSignal): Promise<RecallResult> {
    signal.throwIfAborted();
    return { docs: this.docs, ok: true };
  }
}
