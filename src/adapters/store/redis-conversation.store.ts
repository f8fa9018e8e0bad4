import type {
  ConversationStore,
  Exchange,
  FinishedTurn,
  HistoryLimits,
  StoreHealth,
  TurnClaim,
} from '../../application/ports/conversation-store.port.js';
import type { RedisConnection } from './redis-client.js';

/** Sets the key to "running" unless it exists; returns what was there (nil when the caller claimed it). */
const CLAIM_SCRIPT = `
local found = redis.call('GET', KEYS[1])
if found then return found end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

const RUNNING = JSON.stringify({ status: 'running' });

/** Extends the lease only while the key still says "running": never the expiry of a finished record. */
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * `SESSION_STORE=redis`: conversations and idempotency records in Redis, so
 * every instance behind a load balancer shares them. Expiry is Redis's own
 * (`PEXPIRE`/`PX`); a conversation is a list trimmed to `maxTurns`. While
 * Redis is down every method rejects at once (see `RedisConnection`).
 */
export class RedisConversationStore implements ConversationStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
  ) {}

  async history(sessionKey: string): Promise<readonly Exchange[]> {
    const items = await this.connection.run((client) => client.lrange(this.conversation(sessionKey), 0, -1));
    return items.map((item) => JSON.parse(item) as Exchange);
  }

  async append(sessionKey: string, exchange: Exchange, limits: HistoryLimits): Promise<void> {
    const key = this.conversation(sessionKey);
    const results = await this.connection.run((client) =>
      client
        .multi()
        .rpush(key, JSON.stringify({ question: exchange.question, answer: exchange.answer }))
        .ltrim(key, -limits.maxTurns, -1)
        .pexpire(key, limits.ttlMs)
        .exec(),
    );
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('redis transaction was discarded');
  }

  async claimTurn(turnKey: string, leaseMs: number): Promise<TurnClaim> {
    const found = (await this.connection.run((client) =>
      client.eval(CLAIM_SCRIPT, 1, this.turn(turnKey), RUNNING, leaseMs),
    )) as string | null;
    if (found === null) return { status: 'claimed' };
    const record = JSON.parse(found) as { status: 'running' } | { status: 'finished'; turn: FinishedTurn };
    return record.status === 'finished' ? { status: 'finished', turn: record.turn } : { status: 'running' };
  }

  async renewTurn(turnKey: string, leaseMs: number): Promise<void> {
    await this.connection.run((client) => client.eval(RENEW_SCRIPT, 1, this.turn(turnKey), RUNNING, leaseMs));
  }

  async finishTurn(turnKey: string, turn: FinishedTurn, ttlMs: number): Promise<void> {
    await this.connection.run((client) =>
      client.set(this.turn(turnKey), JSON.stringify({ status: 'finished', turn }), 'PX', ttlMs),
    );
  }

  async releaseTurn(turnKey: string): Promise<void> {
    await this.connection.run((client) => client.del(this.turn(turnKey)));
  }

  async health(): Promise<StoreHealth> {
    return this.connection.health();
  }

  private conversation(sessionKey: string): string {
    return `${this.prefix}conv:${sessionKey}`;
  }

  private turn(turnKey: string): string {
    return `${this.prefix}turn:${turnKey}`;
  }
}
