import { inject, injectable } from 'inversify';
import type { ChatTurn } from '../domain/chat-turn.js';
import { EMPTY_RECALL, type RecallResult } from '../domain/recall-result.js';
import type { TurnEvent } from '../domain/turn-event.js';
import { CallerGone, DeadlineExceeded, TurnFailure, type TurnFailureKind } from '../domain/turn-failure.js';
import { abortable, raceAbort } from './abortable.js';
import type { ConversationMemory } from './conversation-memory.js';
import type { IdempotentTurns } from './idempotent-turns.js';
import type { KnowledgeBasePort } from './ports/knowledge-base.port.js';
import type { LlmPort } from './ports/llm.port.js';
import type { LoggerPort } from './ports/logger.port.js';
import { TOKENS } from './ports/tokens.js';
import type { PromptBuilder } from './prompt-builder.js';
import type { TurnPolicy } from './turn-policy.js';
import { WellFormedPieces } from './well-formed-pieces.js';

/**
 * Answers one turn as a stream: recall documents, ask the model, pass its
 * pieces on as they come, and always finish with exactly one `end` event —
 * also when the deadline passes or a port fails. Only a caller hang-up ends
 * the stream without an `end` (there is nobody left to tell); it rejects with
 * `CallerGone` and cancels all work of the turn.
 */
@injectable()
export class StreamChatUseCase {
  constructor(
    @inject(TOKENS.Llm) private readonly llm: LlmPort,
    @inject(TOKENS.KnowledgeBase) private readonly knowledgeBase: KnowledgeBasePort,
    @inject(TOKENS.PromptBuilder) private readonly prompts: PromptBuilder,
    @inject(TOKENS.TurnPolicy) private readonly policy: TurnPolicy,
    @inject(TOKENS.Logger) private readonly log: LoggerPort,
    // Optional so a test can build the use case without memory or idempotency.
    @inject(TOKENS.ConversationMemory) private readonly memory?: ConversationMemory,
    @inject(TOKENS.IdempotentTurns) private readonly idempotency?: IdempotentTurns,
  ) {}

  async *execute(turn: ChatTurn, callerSignal: AbortSignal): AsyncGenerator<TurnEvent, void, undefined> {
    const answer = () => this.answer(turn, callerSignal);
    yield* this.idempotency ? this.idempotency.run(turn, callerSignal, answer) : answer();
  }

  private async *answer(turn: ChatTurn, callerSignal: AbortSignal): AsyncGenerator<TurnEvent, void, undefined> {
    const turnControl = new AbortController();
    const signal = turnControl.signal;
    const deadline = setTimeout(
      () => turnControl.abort(new DeadlineExceeded(this.policy.deadlineMs)),
      Math.max(0, turn.receivedAt + this.policy.deadlineMs - Date.now()),
    );
    // A caller signal aborted with a `TurnFailure` (the service shutting down) ends the turn
    // with that failure and its final event; any other abort is the caller hanging up.
    const onCallerGone = () =>
      turnControl.abort(callerSignal.reason instanceof TurnFailure ? callerSignal.reason : new CallerGone());
    if (callerSignal.aborted) onCallerGone();
    else callerSignal.addEventListener('abort', onCallerGone, { once: true });

    let recall: RecallResult = EMPTY_RECALL;
    try {
      if (turn.msgType !== 'text') {
        yield { kind: 'piece', text: this.policy.unsupportedMsgTypeReply };
        yield { kind: 'end', outcome: { answered: false, recall } };
        return;
      }
      const history = this.memory?.history(turn, signal) ?? Promise.resolve([]);
      recall = await blame(
        'knowledge_base_unavailable',
        raceAbort(this.knowledgeBase.recall({ text: turn.content, businessKeys: turn.businessKeys }, signal), signal),
        signal,
      );
      if (recall.docs.length === 0 && this.policy.noRecallReply) {
        yield { kind: 'piece', text: this.policy.noRecallReply };
        yield { kind: 'end', outcome: { answered: false, recall } };
        return;
      }
      const prompt = this.prompts.build(turn, recall, await history);
      const pieces = new WellFormedPieces();
      let answered = false;
      let whole = '';
      const answer = abortable(this.llm.streamAnswer(prompt, signal), signal)[Symbol.asyncIterator]();
      for (;;) {
        const next = await blame('llm_unavailable', answer.next(), signal);
        if (next.done) break;
        const text = pieces.push(next.value);
        if (text) {
          answered = true;
          whole += text;
          yield { kind: 'piece', text };
        }
      }
      const tail = pieces.flush();
      if (tail) {
        answered = true;
        whole += tail;
        yield { kind: 'piece', text: tail };
      }
      if (!answered) throw new TurnFailure('empty_answer', 'the model returned an empty answer');
      // Only a whole answer is remembered; the store is bounded by its own short timeouts.
      if (this.memory) await raceAbort(this.memory.remember(turn, whole), signal).catch(() => undefined);
      yield { kind: 'end', outcome: { answered: true, recall } };
    } catch (error) {
      if (signal.reason instanceof CallerGone) {
        this.log.info('caller hung up; turn cancelled');
        throw signal.reason;
      }
      const failure = this.classify(error, signal);
      yield { kind: 'end', outcome: { answered: false, failure, recall } };
    } finally {
      clearTimeout(deadline);
      callerSignal.removeEventListener('abort', onCallerGone);
      // Whatever is still running for this turn (an upstream request, a retrieval) stops now.
      if (!signal.aborted) turnControl.abort(new Error('turn finished'));
    }
  }

  private classify(error: unknown, signal: AbortSignal): TurnFailureKind {
    const cause = signal.reason instanceof DeadlineExceeded ? signal.reason : error;
    const kind = cause instanceof TurnFailure ? cause.kind : 'internal';
    const message = cause instanceof Error ? cause.message : String(cause);
    if (kind === 'internal') {
      this.log.error('turn failed unexpectedly', { failure: kind, error: message, stack: (cause as Error)?.stack });
    } else {
      this.log.warn('turn failed', { failure: kind, error: message });
    }
    return kind;
  }
}

/** A port's own error becomes a failure of that port; an abort keeps its reason. */
async function blame<T>(kind: TurnFailureKind, work: Promise<T>, signal: AbortSignal): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (signal.aborted || error instanceof TurnFailure) throw signal.aborted ? signal.reason : error;
    throw new TurnFailure(kind, error instanceof Error ? error.message : String(error), { cause: error });
  }
}
