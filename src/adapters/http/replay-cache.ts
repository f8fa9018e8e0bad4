/**
 * Remembers signatures already used until they expire, so a captured signed
 * request cannot be replayed inside its time window. Memory is bounded: past
 * `maxEntries`, the entries closest to expiry are forgotten first.
 */
export class ReplayCache {
  /** signature → expiry (ms); insertion order is expiry order because every entry lives equally long. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records `key`; false when it was already recorded and has not expired (a replay). */
  remember(key: string): boolean {
    const now = this.now();
    this.prune(now);
    if (this.seen.has(key)) return false;
    if (this.seen.size >= this.maxEntries) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, now + this.ttlMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > now) return;
      this.seen.delete(key);
    }
  }
}
