import type {
  ConversationStore,
  Exchange,
  FinishedTurn,
  HistoryLimits,
  StoreHealth,
  TurnClaim,
} from '../../application/ports/conversation-store.port.js';
import { ExpiringLru } from './expiring-lru.js';

type TurnRecord = { readonly status: 'running' } | { readonly status: 'finished'; readonly turn: FinishedTurn };

/**
 * `SESSION_STORE=memory`: conversations and idempotency records in this
 * process only — right for one instance; lost on restart. Bounded: at most
 * `maxSessions` conversations and as many turn records, least recently used
 * dropped first, each expiring on its own TTL.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly sessions: ExpiringLru<readonly Exchange[]>;
  private readonly turns: ExpiringLru<TurnRecord>;

  constructor(maxSessions: number, now: () => number = Date.now) {
    this.sessions = new ExpiringLru(maxSessions, now);
    this.turns = new ExpiringLru(maxSessions, now);
  }

  /** How many conversations are held (for tests and health). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  async history(sessionKey: string): Promise<readonly Exchange[]> {
    return this.sessions.get(sessionKey) ?? [];
  }

  async append(sessionKey: string, exchange: Exchange, limits: HistoryLimits): Promise<void> {
    const kept = [...(this.sessions.get(sessionKey) ?? []), exchange].slice(-limits.maxTurns);
    this.sessions.set(sessionKey, kept, limits.ttlMs);
  }

  async claimTurn(turnKey: string, leaseMs: number): Promise<TurnClaim> {
    const record = this.turns.get(turnKey);
    if (record) return record;
    this.turns.set(turnKey, { status: 'running' }, leaseMs);
    return { status: 'claimed' };
  }

  async renewTurn(turnKey: string, leaseMs: number): Promise<void> {
    if (this.turns.get(turnKey)?.status === 'running') this.turns.set(turnKey, { status: 'running' }, leaseMs);
  }

  async finishTurn(turnKey: string, turn: FinishedTurn, ttlMs: number): Promise<void> {
    this.turns.set(turnKey, { status: 'finished', turn }, ttlMs);
  }

  async releaseTurn(turnKey: string): Promise<void> {
    this.turns.delete(turnKey);
  }

  async health(): Promise<StoreHealth> {
    return { ok: true, detail: `in memory, ${this.sessions.size} conversations` };
  }
}
