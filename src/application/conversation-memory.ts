import { hash } from 'node:crypto';
import type { ChatMessage, ChatTurn } from '../domain/chat-turn.js';
import type { ConversationStore, Exchange } from './ports/conversation-store.port.js';
import type { LoggerPort } from './ports/logger.port.js';

/** How much of a conversation is remembered (from `SESSION_*`). */
export interface MemoryPolicy {
  /** Exchanges kept per conversation (`SESSION_MAX_TURNS`); 0 switches memory off. */
  readonly maxTurns: number;
  /** Upper bound on the characters of history put into a prompt (`SESSION_HISTORY_CHARS`). */
  readonly historyChars: number;
  /** A conversation is forgotten this long after its last answered turn (`SESSION_TTL_S`). */
  readonly ttlMs: number;
}

/**
 * Multi-turn memory: the earlier questions and answers of a conversation,
 * as user/assistant messages for the prompt. A conversation is the turn's
 * `session_id`, or, without one, its `user` and `business_keys`.
 *
 * The store is best effort: when it fails, the turn goes on without history
 * (the store adapter reports the outage once; this class only logs at debug).
 */
export class ConversationMemory {
  /** A turn's key is hashed once, for both `history` and `remember`. */
  private readonly keys = new WeakMap<ChatTurn, string>();

  constructor(
    private readonly store: ConversationStore,
    private readonly policy: MemoryPolicy,
    private readonly log: LoggerPort,
  ) {}

  /**
   * The conversation's newest exchanges that fit the character budget, as
   * user/assistant messages, oldest first. Never rejects: without a store it
   * resolves with no history. The store bounds its calls with its own short
   * timeouts; the turn races this against its own end.
   */
  async history(turn: ChatTurn): Promise<ChatMessage[]> {
    if (this.policy.maxTurns === 0 || this.policy.historyChars === 0) return [];
    let exchanges;
    try {
      exchanges = await this.store.history(this.keyOf(turn));
    } catch (error) {
      this.log.debug('conversation history unavailable; answering without it', { traceId: turn.traceId, error: messageOf(error) });
      return [];
    }
    // Newest first until the budget is spent, then in order: no copies of the stored list (runs on every turn).
    let first = exchanges.length;
    let budget = this.policy.historyChars;
    for (let i = exchanges.length - 1; i >= Math.max(0, exchanges.length - this.policy.maxTurns); i--) {
      const exchange = exchanges[i] as Exchange;
      budget -= exchange.question.length + exchange.answer.length;
      if (budget < 0) break;
      first = i;
    }
    const messages: ChatMessage[] = [];
    for (let i = first; i < exchanges.length; i++) {
      const exchange = exchanges[i] as Exchange;
      messages.push({ role: 'user', content: exchange.question }, { role: 'assistant', content: exchange.answer });
    }
    return messages;
  }

  /** Keeps an answered turn. Call only when the bot really answered: never for a failure or a cut answer. */
  async remember(turn: ChatTurn, answer: string): Promise<void> {
    if (this.policy.maxTurns === 0 || this.policy.historyChars === 0) return;
    // No single exchange may hold more than the whole prompt budget.
    const cap = this.policy.historyChars;
    const exchange = { question: turn.content.slice(0, cap), answer: answer.slice(0, cap) };
    try {
      await this.store.append(this.keyOf(turn), exchange, { maxTurns: this.policy.maxTurns, ttlMs: this.policy.ttlMs });
    } catch (error) {
      this.log.debug('conversation not saved; the store is unavailable', { traceId: turn.traceId, error: messageOf(error) });
    }
  }

  private keyOf(turn: ChatTurn): string {
    let key = this.keys.get(turn);
    if (key === undefined) this.keys.set(turn, (key = sessionKey(turn)));
    return key;
  }
}

/**
 * The conversation a turn belongs to. The prefix keeps `user` +
 * `business_keys` apart from a `session_id`; `digest` bounds the length.
 */
export function sessionKey(turn: ChatTurn): string {
  if (turn.sessionId) return `s:${digest([turn.sessionId])}`;
  return `u:${digest([turn.user, ...[...turn.businessKeys].sort()])}`;
}

/**
 * A key for `parts` of bounded length: their JSON array as it is when short
 * (most ids are), else its SHA-256. The two cannot meet: JSON starts with `[`,
 * base64url never does. Hashing every key cost ~2% of a sync call's CPU.
 */
export function digest(parts: readonly string[]): string {
  const json = JSON.stringify(parts);
  return json.length <= MAX_PLAIN_KEY ? json : hash('sha256', json, 'base64url');
}

const MAX_PLAIN_KEY = 96;

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
