import type { StreamChatUseCase } from '../../application/stream-chat.use-case.js';
import type { TurnRecorder } from '../../application/ports/turn-records.port.js';
import type { ChatTurn } from '../../domain/chat-turn.js';
import { retrievalPath } from '../../domain/recall-result.js';
import type { TurnOutcome, TurnSink } from '../../domain/turn-event.js';
import type { RecordedDoc, TurnRecord } from '../../domain/turn-record.js';

export interface RecordingOptions {
  readonly recorder: TurnRecorder;
  /** The answer is kept up to this many characters. */
  readonly answerChars: number;
  /** `LLM_PROVIDER`, stored with each turn. */
  readonly provider: string;
  /** `event`: the first frame is the first event (SSE); `end`: the whole reply (sync JSON). */
  readonly firstFrame: 'event' | 'end';
  readonly now?: () => number;
}

/**
 * The stream use case, seen through a tap that records each finished turn:
 * the use cases stay unaware of records, and the HTTP routes run this object
 * exactly as they run the use case. Recording is a queue push: it cannot
 * delay or fail the turn (a throwing recorder is swallowed here as well).
 */
export function recordingTurns(useCase: StreamChatUseCase, options: RecordingOptions): StreamChatUseCase {
  const now = options.now ?? Date.now;
  const tapped = Object.create(useCase) as StreamChatUseCase;
  tapped.execute = async (turn: ChatTurn, signal: AbortSignal, sink: TurnSink) => {
    let answer = '';
    let truncated = false;
    let firstAt: number | undefined;
    let outcome: TurnOutcome | undefined;
    const tee: TurnSink = (event) => {
      if (options.firstFrame === 'event') firstAt ??= now();
      if (event.kind === 'piece') {
        if (answer.length < options.answerChars) answer += event.text;
        else truncated = true;
      } else outcome = event.outcome;
      return sink(event);
    };
    try {
      await useCase.execute(turn, signal, tee);
    } finally {
      const endedAt = now();
      if (answer.length > options.answerChars) {
        answer = answer.slice(0, options.answerChars);
        truncated = true;
      }
      try {
        options.recorder.record(
          turnRecord(turn, outcome, { answer, truncated, firstAt: options.firstFrame === 'end' ? endedAt : firstAt, endedAt, provider: options.provider }),
        );
      } catch {
        // a recorder must never reach the turn
      }
    }
  };
  return tapped;
}

interface Ending {
  readonly answer: string;
  readonly truncated: boolean;
  readonly firstAt?: number;
  readonly endedAt: number;
  readonly provider: string;
}

/** The record of one turn; a turn without an outcome lost its caller. */
export function turnRecord(turn: ChatTurn, outcome: TurnOutcome | undefined, end: Ending): TurnRecord {
  const docs: RecordedDoc[] = (outcome?.recall.docs ?? []).map((d) => ({
    docId: d.docId,
    title: d.title,
    url: d.url,
    score: d.score,
    kind: d.kind === 'faq' ? 'faq' : 'passage',
    ...(d.matchedQuestion ? { matchedQuestion: d.matchedQuestion } : {}),
    ...(d.foundBy ? { foundBy: retrievalPath(d) } : {}),
  }));
  const outcomeLabel = !outcome ? 'caller_hung_up' : (outcome.failure ?? (outcome.answered ? 'answered' : 'not_answered'));
  return {
    at: turn.receivedAt,
    traceId: turn.traceId,
    msgId: turn.msgId,
    sessionId: turn.sessionId,
    user: turn.user,
    businessKeys: turn.businessKeys,
    question: turn.content,
    standaloneQuestion: outcome?.standaloneQuestion ?? turn.content,
    answer: end.answer,
    answerTruncated: end.truncated,
    answered: outcome?.answered ?? false,
    outcome: outcomeLabel,
    reason: outcome?.reason ?? outcome?.failure ?? outcomeLabel,
    docs,
    // Answers cite the first recalled document today (the extractive quote and the prompt's first reference).
    citedDocId: outcome?.answered && docs.length > 0 ? docs[0]!.docId : undefined,
    firstFrameMs: end.firstAt === undefined ? undefined : end.firstAt - turn.receivedAt,
    durationMs: end.endedAt - turn.receivedAt,
    provider: end.provider,
  };
}
