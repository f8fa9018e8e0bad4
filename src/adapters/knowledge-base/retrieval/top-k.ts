/**
 * The `k` best (slot, score) pairs seen so far: a min-heap on score, so each
 * offer is O(log k) and a score below the current k-th is refused at once.
 */
export class TopK {
  private readonly slots: Int32Array;
  private readonly scores: Float64Array;
  private n = 0;

  constructor(readonly k: number) {
    this.slots = new Int32Array(Math.max(1, k));
    this.scores = new Float64Array(Math.max(1, k));
  }

  /** The score a newcomer must beat once the heap is full. */
  get floor(): number {
    return this.n < this.k ? -Infinity : (this.scores[0] as number);
  }

  offer(slot: number, score: number): void {
    if (this.k === 0) return;
    if (this.n < this.k) {
      let i = this.n++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if ((this.scores[parent] as number) <= score) break;
        this.slots[i] = this.slots[parent] as number;
        this.scores[i] = this.scores[parent] as number;
        i = parent;
      }
      this.slots[i] = slot;
      this.scores[i] = score;
      return;
    }
    if (score <= (this.scores[0] as number)) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.n) break;
      const right = left + 1;
      const child = right < this.n && (this.scores[right] as number) < (this.scores[left] as number) ? right : left;
      if ((this.scores[child] as number) >= score) break;
      this.slots[i] = this.slots[child] as number;
      this.scores[i] = this.scores[child] as number;
      i = child;
    }
    this.slots[i] = slot;
    this.scores[i] = score;
  }

  /** Best first; ties broken by the lower slot, so results are deterministic. */
  sorted(): { slot: number; score: number }[] {
    const out: { slot: number; score: number }[] = [];
    for (let i = 0; i < this.n; i++) out.push({ slot: this.slots[i] as number, score: this.scores[i] as number });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}

/** Dot product of `query` with the vector stored at `offset` in `data`; four accumulators let V8 pipeline the loop. */
export function dotAt(data: Float32Array, offset: number, query: Float32Array): number {
  const dims = query.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dims; j += 4) {
    s0 += (data[offset + j] as number) * (query[j] as number);
    s1 += (data[offset + j + 1] as number) * (query[j + 1] as number);
    s2 += (data[offset + j + 2] as number) * (query[j + 2] as number);
    s3 += (data[offset + j + 3] as number) * (query[j + 3] as number);
  }
  for (; j < dims; j++) s0 += (data[offset + j] as number) * (query[j] as number);
  return s0 + s1 + s2 + s3;
}
