import type {
  ConversationStore,
  Exchange,
  FinishedTurn,
  HistoryLimits,
  StoreHealth,
  TurnClaim,
} from '../../src/application/ports/conversation-store.port.js';

/**
 * A `ConversationStore` in plain maps, without expiry, recording every call.
 * `down` makes every method reject, as an unreachable Redis does.
 */
export class FakeConversationStore implements ConversationStore {
  readonly sessions = new Map<string, Exchange[]>();
  readonly turns = new Map<string, TurnClaim>();
  readonly calls: string[] = [];
  down = false;

  async history(sessionKey: string): Promise<readonly Exchange[]> {
    this.use('history');
    return this.sessions.get(sessionKey) ?? [];
  }

  async append(sessionKey: string, exchange: Exchange, limits: HistoryLimits): Promise<void> {
    this.use('append');
    this.sessions.set(sessionKey, [...(this.sessions.get(sessionKey) ?? []), exchange].slice(-limits.maxTurns));
  }

  async claimTurn(turnKey: string): Promise<TurnClaim> {
    this.use('claimTurn');
    const found = this.turns.get(turnKey);
    if (found) return found;
    this.turns.set(turnKey, { status: 'running' });
    return { status: 'claimed' };
  }

  async finishTurn(turnKey: string, turn: FinishedTurn): Promise<void> {
    this.use('finishTurn');
    this.turns.set(turnKey, { status: 'finished', turn });
  }

  async renewTurn(): Promise<void> {
    this.use('renewTurn');
  }

  async releaseTurn(turnKey: string): Promise<void> {
    this.use('releaseTurn');
    this.turns.delete(turnKey);
  }

  async health(): Promise<StoreHealth> {
    return { ok: !this.down };
  }

  /** Every exchange stored, whatever the session. */
  allExchanges(): Exchange[] {
    return [...this.sessions.values()].flat();
  }

  private use(method: string): void {
    this.calls.push(method);
    if (this.down) throw new Error('store unreachable');
  }
}
