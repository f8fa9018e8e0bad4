import type { ChatMessage, ChatTurn } from '../domain/chat-turn.js';
import type { RecallResult, RecalledDoc } from '../domain/recall-result.js';
import { DECLINE_INSTRUCTION } from './decline-marker.js';
import type { LlmPrompt } from './ports/llm.port.js';

export interface PromptOptions {
  /** The system prompt (`LLM_SYSTEM_PROMPT`). */
  readonly systemPrompt: string;
  /** Upper bound on the characters of recalled passages put into the prompt (`LLM_CONTEXT_MAX_CHARS`). */
  readonly maxContextChars: number;
}

export const DEFAULT_SYSTEM_PROMPT =
  '你是企业 IT 服务台的智能助手，在易事厅中回答员工的 IT 问题。' +
  '请优先依据提供的参考资料作答，回答简洁、准确、分步骤；' +
  '资料中没有的信息不要编造，可以建议用户联系 IT 服务台人工支持。';

/** Told to the model when retrieval found nothing, so it does not pretend to cite. */
export const NO_CONTEXT_NOTE = '（本次没有检索到相关的参考资料。）';

/**
 * Turns a question and what was recalled for it into the messages a model reads:
 * one system message (the system prompt, then the numbered references: an FAQ
 * entry as `问：… 答：…`, a passage with its title, section and page; and,
 * when there are references, how to decline with `DECLINE_MARKER`), the
 * earlier turns of the conversation, then the question.
 * A single leading system message is what every OpenAI-compatible provider
 * accepts; some (Hunyuan among them) refuse a second one.
 */
export class PromptBuilder {
  constructor(private readonly options: PromptOptions) {}

  /**
   * `standalone` is the question as it was searched for (a follow-up made
   * standalone); it becomes `question` for models that read only that (the
   * extractive quote), while the conversation keeps the question as asked.
   */
  build(turn: ChatTurn, recall: RecallResult, history: readonly ChatMessage[] = [], standalone = turn.content): LlmPrompt {
    const system = `${this.options.systemPrompt}\n\n${this.context(recall)}`;
    const messages: ChatMessage[] = [{ role: 'system', content: system }, ...history, { role: 'user', content: turn.content }];
    return { messages, question: standalone, docs: recall.docs, traceId: turn.traceId };
  }

  private context(recall: RecallResult): string {
    let budget = this.options.maxContextChars;
    const parts: string[] = [];
    recall.docs.forEach((doc, i) => {
      if (budget <= 0) return;
      // A cut may land inside a surrogate pair; toWellFormed keeps the prompt valid UTF-8.
      const text = (doc.kind === 'faq' ? (doc.answer ?? doc.content) : doc.content).slice(0, budget).toWellFormed();
      budget -= text.length;
      parts.push(reference(i + 1, doc, text));
    });
    if (parts.length === 0) return NO_CONTEXT_NOTE;
    return `参考资料（回答时可引用编号）：\n\n${parts.join('\n\n')}\n\n${DECLINE_INSTRUCTION}`;
  }
}

/** One numbered reference: an FAQ entry as question and answer, a passage under its title, section and page. */
function reference(n: number, doc: RecalledDoc, text: string): string {
  const link = doc.url ? ` (${doc.url})` : '';
  if (doc.kind === 'faq') return `[${n}] 问：${doc.title}${link}\n答：${text}`;
  // The heading path usually starts with the document's title, already shown.
  const path = doc.headingPath?.[0] === doc.title ? doc.headingPath.slice(1) : (doc.headingPath ?? []);
  const where = [path.length > 0 ? `章节：${path.join(' › ')}` : '', doc.page ? `第 ${doc.page} 页` : ''].filter(Boolean);
  return `[${n}] 《${doc.title}》${where.length > 0 ? `（${where.join('，')}）` : ''}${link}\n${text}`;
}
