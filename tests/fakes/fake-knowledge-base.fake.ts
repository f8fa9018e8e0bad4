import { setTimeout as sleep } from 'node:timers/promises';
import type { KnowledgeBasePort, RecallQuery } from '../../src/application/ports/knowledge-base.port.js';
import type { RecallResult, RecalledDoc } from '../../src/domain/recall-result.js';

export const DOC_A: RecalledDoc = {
  docId: 'doc-a',
  spaceId: 'space-1',
  title: '回调地址配置',
  url: 'https://example.invalid/a',
  score: 0.9,
  content: '在易事厅后台填写 /chat 作为智能机器人的回调地址。',
};

/** A `KnowledgeBasePort` returning fixed documents (or failing, or degraded: `ok` false), recording every query. */
export class FakeKnowledgeBase implements KnowledgeBasePort {
  readonly queries: RecallQuery[] = [];
  readonly abortReasons: unknown[] = [];

  constructor(
    private readonly docs: readonly RecalledDoc[] = [DOC_A],
    private readonly behaviour: { delayMs?: number; fail?: Error; degraded?: boolean } = {},
  ) {}

  async recall(query: RecallQuery, signal: AbortSignal): Promise<RecallResult> {
    this.queries.push(query);
    signal.addEventListener('abort', () => this.abortReasons.push(signal.reason), { once: true });
    if (this.behaviour.delayMs) await sleep(this.behaviour.delayMs, undefined, { signal });
    if (this.behaviour.fail) throw this.behaviour.fail;
    return { docs: this.docs, ok: !this.behaviour.degraded };
  }
}
