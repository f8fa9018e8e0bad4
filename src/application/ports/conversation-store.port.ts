import type { TurnOutcome } from '../../domain/turn-event.js';

/** One answered question of a conversation, as it goes back into later prompts. */
export interface Exchange {
  readonly question: string;
  readonly answer: string;
}

/** A finished turn kept for replay: its pieces exactly as streamed, and how it ended. */
export interface FinishedTurn {
  readonly pieces: readonly string[];
  readonly outcome: TurnOutcome;
}

/** What `claimTurn` found under a turn key. */
export type TurnClaim =
  | { readonly status: 'claimed' }
  | { readonly status: 'running' }
  | { readonly status: 'finished'; readonly turn: FinishedTurn };

/** How much history a conversation keeps. */
export interface HistoryLimits {
  /** The newest this many exchanges are kept; older ones are dropped. */
  readonly maxTurns: number;
  /** The whole conversation expires this long after its last exchange. */
  readonly ttlMs: number;
}

/** Whether the store can serve (the `/ready` probe reads it; see `HealthCheck`). */
export interface StoreHealth {
  readonly ok: boolean;
  readonly detail?: string;
}

/**
 * Where conversations and the idempotency records of turns live: in this
 * process, or shared by every instance (Redis). Keys are opaque strings made
 * by the application.
 *
 * Contract: every method may reject when the backing store is unreachable,
 * and must do so promptly (no queueing while it is down); callers then go on
 * without memory or idempotency. `health` never rejects.
 */
export interface ConversationStore {
  /** The kept exchanges of a conversation, oldest first (empty when unknown or expired). */
  history(sessionKey: string): Promise<readonly Exchange[]>;
  /** Adds an exchange, drops the oldest past `maxTurns`, and restarts the expiry. */
  append(sessionKey: string, exchange: Exchange, limits: HistoryLimits): Promise<void>;
  /**
   * Atomically claims a turn key for this caller unless it is already held:
   * `claimed` (the caller now runs the turn; the claim is a lease that lapses
   * after `leaseMs` unless renewed, so an owner that died frees it soon),
   * `running` (someone else runs it) or `finished` (its recorded answer).
   */
  claimTurn(turnKey: string, leaseMs: number): Promise<TurnClaim>;
  /** Extends a still-running claim's lease to `leaseMs` from now (no-op once finished or gone). */
  renewTurn(turnKey: string, leaseMs: number): Promise<void>;
  /** Records the claimed turn's answer for replay during `ttlMs`. */
  finishTurn(turnKey: string, turn: FinishedTurn, ttlMs: number): Promise<void>;
  /** Gives up a claim (the turn failed or was dropped), so a retry runs afresh. */
  releaseTurn(turnKey: string): Promise<void>;
  /** Cheap and bounded; resolves (never rejects) with whether the store is reachable. */
  health(signal?: AbortSignal): Promise<StoreHealth>;
}
