/**
 * Counts the turns running at once and refuses new ones past `limit`, so a
 * burst gets a polite "busy" reply at once instead of queuing past the
 * deadline. Not a queue: a refused call is never retried here.
 */
export class TurnGate {
  private running = 0;

  constructor(readonly limit: number) {}

  /** A release function when there is room (call it exactly when the turn ends), or `undefined` when full. */
  tryEnter(): (() => void) | undefined {
    if (this.running >= this.limit) return undefined;
    this.running += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running -= 1;
    };
  }

  get inFlight(): number {
    return this.running;
  }
}

/** Where no gate limits turns: every call gets in, and leaving is nothing to do. */
const UNGATED = () => undefined;

/** `gate.tryEnter()`, or a no-op release when no gate is configured. */
export function enterGate(gate: TurnGate | undefined): (() => void) | undefined {
  return gate ? gate.tryEnter() : UNGATED;
}
