import { randomUUID } from 'node:crypto';

/**
 * A call's trace id: a UUID version 7 (RFC 9562), the time in milliseconds
 * followed by 74 random bits — as unique as a random UUID, and in the order
 * calls arrived. That order is what the turn records' key needs: random keys
 * land on random pages of the table's B-tree, and at 100,000 rows an insert
 * cost 61 µs with them against 13 µs with these (better-sqlite3, WAL, 20 rows a
 * transaction; scratch measurement, 2026-12-03), a gap that widens as the 90
 * days of records grow. Built from `randomUUID()` (its pooled entropy), with the
 * first 48 bits and the version replaced.
 */
export function newTraceId(now = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0').slice(-12);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${random.slice(15)}`;
}
