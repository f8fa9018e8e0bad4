import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TurnOutcome } from '../../domain/turn-event.js';
import { retrievalPath } from '../../domain/recall-result.js';
import type { StreamObserver } from './sse-writer.js';

/** Up to Yishiting's 60 s per call. */
const TURN_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60];
const PREFIX = 'yishiting_bot_';

/** One finished call, as the metrics middleware saw it. */
export interface FinishedCall {
  readonly route: string;
  readonly method: string;
  readonly status: number;
  readonly durationS: number;
  readonly firstFrameS?: number;
  /** The outcome label (`answered`, a failure kind, `caller_hung_up`…), when a turn ran. */
  readonly outcome?: string;
  readonly turn?: TurnOutcome;
}

/**
 * The service's Prometheus metrics, in a registry of its own (several apps
 * in one process — the tests — must not share counters).
 */
export class HttpMetrics implements StreamObserver {
  readonly registry = new Registry();
  private readonly calls = new Counter({
    name: `${PREFIX}http_requests_total`,
    help: 'HTTP calls by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly firstFrame = new Histogram({
    name: `${PREFIX}turn_first_frame_seconds`,
    help: 'Time from the call arriving to its first SSE frame (or the sync reply)',
    labelNames: ['route'] as const,
    buckets: TURN_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: `${PREFIX}turn_duration_seconds`,
    help: 'Time from the call arriving to its last byte, for calls that ran a turn',
    labelNames: ['route'] as const,
    buckets: TURN_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly outcomes = new Counter({
    name: `${PREFIX}turn_outcomes_total`,
    help: 'Turns by how they ended: answered, not_answered, a failure kind, or caller_hung_up',
    labelNames: ['route', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly answers = new Counter({
    name: `${PREFIX}answers_total`,
    help: 'Finished turns by the protocol answer_success (1 answered, 0 not) and why they ended so',
    labelNames: ['answer_success', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly foundBy = new Counter({
    name: `${PREFIX}answers_found_by_total`,
    help: 'Answered turns by which retrieval found the cited document: lexical, vector, both, with +reranked when a reranker scored it',
    labelNames: ['found_by'] as const,
    registers: [this.registry],
  });
  private readonly recalls = new Counter({
    name: `${PREFIX}recall_total`,
    help: 'Finished turns by whether the knowledge base recalled at least one document (hit="1")',
    labelNames: ['hit'] as const,
    registers: [this.registry],
  });
  private readonly dependencyErrors = new Counter({
    name: `${PREFIX}dependency_errors_total`,
    help: 'Turns hurt by a dependency: dependency llm|knowledge_base; kind the adapter fault (http_5xx, auth, idle_timeout, ...) or the failure (degraded: KB failed, turn went on)',
    labelNames: ['dependency', 'kind'] as const,
    registers: [this.registry],
  });
  private readonly deadlineCuts = new Counter({
    name: `${PREFIX}deadline_cuts_total`,
    help: 'Turns cut at CHAT_DEADLINE_MS',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });
  private readonly openStreams = new Gauge({
    name: `${PREFIX}open_streams`,
    help: 'SSE responses currently open',
    registers: [this.registry],
  });

  constructor(turnsInFlight?: () => number) {
    // Event-loop lag sampled every 100 ms (prom-client's default, 10 ms, wakes an idle process 100 times a second: ~1% of a core).
    collectDefaultMetrics({ register: this.registry, prefix: PREFIX, eventLoopMonitoringPrecision: 100 });
    if (turnsInFlight) {
      new Gauge({
        name: `${PREFIX}turns_in_flight`,
        help: 'Turns running now (MAX_CONCURRENT_TURNS bounds it)',
        registers: [this.registry],
        collect() {
          this.set(turnsInFlight());
        },
      });
    }
  }

  opened(): void {
    this.openStreams.inc();
  }

  closed(): void {
    this.openStreams.dec();
  }

  record(call: FinishedCall): void {
    const { route, turn } = call;
    this.calls.inc({ route, method: call.method, status: String(call.status) });
    if (call.outcome === undefined) return;
    this.outcomes.inc({ route, outcome: call.outcome });
    this.duration.observe({ route }, call.durationS);
    if (call.firstFrameS !== undefined) this.firstFrame.observe({ route }, call.firstFrameS);
    if (!turn) return;
    this.answers.inc({ answer_success: turn.answered ? '1' : '0', reason: turn.reason ?? turn.failure ?? (turn.answered ? 'answered' : 'not_answered') });
    this.recalls.inc({ hit: turn.recall.docs.length > 0 ? '1' : '0' });
    const path = turn.answered ? retrievalPath(turn.recall.docs[0]) : '';
    if (path) this.foundBy.inc({ found_by: path });
    if (turn.failure === 'deadline') this.deadlineCuts.inc({ route });
    if (turn.failure === 'llm_unavailable' || turn.failure === 'empty_answer') {
      // The adapter's own fault kind (http_5xx, auth, idle_timeout, …) when it gave one.
      this.dependencyErrors.inc({ dependency: 'llm', kind: turn.failureReason ?? turn.failure });
    }
    if (turn.failure === 'knowledge_base_unavailable') {
      this.dependencyErrors.inc({ dependency: 'knowledge_base', kind: turn.failureReason ?? turn.failure });
    } else if (!turn.recall.ok) {
      this.dependencyErrors.inc({ dependency: 'knowledge_base', kind: 'degraded' });
    }
  }
}
