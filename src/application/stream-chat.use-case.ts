import { inject, injectable } from 'inversify';
import type { ChatTurn } from '../domain/chat-turn.js';
import { EMPTY_RECALL, type RecallResult } from '../domain/recall-result.js';
import type { TurnEvent, TurnSink } from '../domain/turn-event.js';
import { CallerGone, DeadlineExceeded, TurnFailure, type TurnFailureKind } from '../domain/turn-failure.js';
import { AbortRacePool } from './abortable.js';
import { replyWithoutKnowledge } from './conversation-intent.js';
import { DECLINED, DeclineGate } from './decline-marker.js';
import { directFaqEntry, relevantOnly, storedAnswerSource } from './direct-answer.js';
import type { ConversationMemory } from './conversation-memory.js';
import type { IdempotentTurns } from './idempotent-turns.js';
import type { KnowledgeBasePort } from './ports/knowledge-base.port.js';
import type { LlmPort, ReadyPieces } from './ports/llm.port.js';
import type { LoggerPort } from './ports/logger.port.js';
import { TOKENS } from './ports/tokens.js';
import type { PromptBuilder } from './prompt-builder.js';
import { standaloneQuestion } from './question-rewrite.js';
import { ANSWER_CUT_NOTE, DEFAULT_NO_ANSWER_REPLY, type TurnPolicy } from './turn-policy.js';
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
  /** Races of turns that ended whole, never aborted, for the next turns (`AbortRace.reusable`). */
  private readonly races = new AbortRacePool();

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

  /**
   * Answers `turn`, handing each event to `sink` as it is produced, and
   * resolves once the `end` event was handed over. When `sink` returns a
   * promise (its reader lags) the turn waits for it before the next piece.
   * Rejects with `CallerGone` when the caller hangs up, and with the sink's
   * own error when the sink throws or its promise rejects (the turn stops and
   * releases its ports either way). Events are pushed, not
   * pulled through a generator: every layer here is paid again for every
   * piece of every answer.
   */
  execute(turn: ChatTurn, callerSignal: AbortSignal, sink: TurnSink): Promise<void> {
    if (this.idempotency?.covers(turn)) {
      return this.idempotency.run(turn, callerSignal, sink, (recording) => this.answer(turn, callerSignal, recording));
    }
    return this.answer(turn, callerSignal, sink);
  }

  private async answer(turn: ChatTurn, callerSignal: AbortSignal, sink: TurnSink): Promise<void> {
    // The turn's own signal, for the ports: the deadline, the caller leaving, or the turn being over.
    // The race lets the turn stop waiting on a port stuck in a promise that ignores its signal
    // (a hung model, a hung retrieval): it cannot hold the turn past its deadline or a hang-up.
    const race = this.races.take();
    const signal = race.signal;
    const deadline = setTimeout(
      () => race.abort(new DeadlineExceeded(this.policy.deadlineMs)),
      Math.max(0, turn.receivedAt + this.policy.deadlineMs - Date.now()),
    );
    // A caller signal aborted with a `TurnFailure` (the service shutting down) ends the turn
    // with that failure and its final event; any other abort is the caller hanging up.
    const onCallerGone = () =>
      race.abort(callerSignal.reason instanceof TurnFailure ? callerSignal.reason : new CallerGone());
    if (callerSignal.aborted) onCallerGone();
    else callerSignal.addEventListener('abort', onCallerGone, { once: true });

    let recall: RecallResult = EMPTY_RECALL;
    let pieces: AsyncIterator<string> | undefined;
    let piecesDone = false;
    let settled = false; // every port call of the turn has finished: nothing left to stop
    // Which port an error came from: the one being awaited when it was thrown.
    let failedPort: TurnFailureKind = 'internal';
    try {
      if (turn.msgType !== 'text') {
        await hand(sink, { kind: 'piece', text: this.policy.unsupportedMsgTypeReply });
        await hand(sink, { kind: 'end', outcome: { answered: false, recall, reason: 'unsupported_msg_type' } });
        return;
      }
      // A person asked for, a greeting or thanks: answered at once, without the knowledge base or the model.
      const direct = replyWithoutKnowledge(turn.content, this.policy.intents);
      if (direct) {
        await hand(sink, { kind: 'piece', text: direct.text });
        await hand(sink, { kind: 'end', outcome: { answered: false, recall, reason: direct.reason } });
        return;
      }
      const history = this.memory ? await race.race(this.memory.history(turn)) : [];
      // A follow-up ("那这个怎么弄？") is searched for as a standalone question.
      const question = history.length > 0 ? await race.race(standaloneQuestion(this.llm, this.policy, this.log, turn, history, signal)) : turn.content;
      const standalone = question === turn.content ? {} : { standaloneQuestion: question };
      failedPort = 'knowledge_base_unavailable';
      const query = { text: question, businessKeys: turn.businessKeys, traceId: turn.traceId };
      const found = await race.race(this.knowledgeBase.recall(query, signal));
      failedPort = 'internal';
      recall = relevantOnly(found, this.policy.minScore ?? 0);
      const noAnswerReply = this.policy.noAnswerReply ?? DEFAULT_NO_ANSWER_REPLY;
      const entry = directFaqEntry(found.docs, this.policy.faqDirect, this.policy.minScore ?? 0);
      // The answer comes from the FAQ entry as stored, or from the model.
      let source: AsyncIterable<string>;
      let gate: DeclineGate | undefined;
      if (entry) {
        // Only the entry is cited: it alone is the answer's source.
        recall = { ...found, docs: [entry] };
        source = storedAnswerSource(entry);
      } else if (recall.docs.length === 0 && !this.policy.noRecallAskModel) {
        await hand(sink, { kind: 'piece', text: noAnswerReply });
        await hand(sink, { kind: 'end', outcome: { answered: false, recall, reason: 'no_recall', ...standalone } });
        return;
      } else {
        const prompt = this.prompts.build(turn, recall, history, question);
        failedPort = 'llm_unavailable';
        source = this.llm.streamAnswer(prompt, signal);
        gate = new DeclineGate();
      }
      const wellFormed = new WellFormedPieces();
      let answered = false;
      let whole = '';
      pieces = source[Symbol.asyncIterator]();
      // An answer already at hand is taken piece by piece without a promise (`ReadyPieces`).
      const ready = 'nextReady' in pieces ? (pieces as ReadyPieces) : undefined;
      const maxChars = this.policy.answerMaxChars ?? Number.POSITIVE_INFINITY;
      let cut = false;
      /**
       * Sends `text` on, cut at `ANSWER_MAX_CHARS`; true once the answer is cut (the source must then stop).
       * A promise only while the sink lags: most pieces cost no promise and no await here.
       */
      const send = (text: string): boolean | Promise<boolean> => {
        if (!text) return false;
        const over = whole.length + text.length > maxChars;
        if (over) {
          // A runaway model: keep what fits, say it was cut, and stop the model (`finally` returns its stream).
          text = `${text.slice(0, Math.max(0, maxChars - whole.length)).toWellFormed()}${ANSWER_CUT_NOTE}`;
          this.log.warn('answer cut at ANSWER_MAX_CHARS', { traceId: turn.traceId, maxChars });
        }
        answered = true;
        whole += text;
        const lagging = hand(sink, { kind: 'piece', text });
        return lagging ? race.race(lagging).then(() => over) : over;
      };
      let declined = false;
      for (;;) {
        const next = ready ? ready.nextReady() : await race.race(pieces.next());
        if (next.done) break;
        const text = wellFormed.push(next.value);
        const passed = gate && text ? gate.push(text) : text;
        if (passed === DECLINED) {
          declined = true;
          break;
        }
        const sent = send(passed);
        if (sent === true || (sent !== false && (await sent))) {
          cut = true;
          break;
        }
      }
      piecesDone = !cut && !declined;
      failedPort = 'internal';
      if (declined) {
        // The model found no answer in the references: say so, so Yishiting can pass the user on.
        settled = true;
        await hand(sink, { kind: 'piece', text: noAnswerReply });
        await hand(sink, { kind: 'end', outcome: { answered: false, recall, reason: 'model_declined', ...standalone } });
        return;
      }
      if (piecesDone) {
        const tail = wellFormed.flush();
        // What the gate still holds is a mere prefix of the marker: it was the answer's start after all.
        await send(gate ? gate.end() + tail : tail);
      }
      if (!answered) throw new TurnFailure('empty_answer', 'the model returned an empty answer');
      // Only a whole answer is remembered; the store is bounded by its own short timeouts.
      if (this.memory && !cut) await race.race(this.memory.remember(turn, whole)).catch(() => undefined);
      settled = true;
      await hand(sink, { kind: 'end', outcome: { answered: true, recall, reason: entry ? 'faq_direct' : 'answered', ...standalone } });
    } catch (error) {
      if (signal.reason instanceof CallerGone) {
        this.log.info('caller hung up; turn cancelled', { traceId: turn.traceId });
        throw signal.reason;
      }
      // The receiver's own failure (a reader too slow, a socket gone) is not the turn's: it goes back as it was.
      if (error instanceof ReceiverFailed) throw error.cause;
      const cause = blame(failedPort, error, signal);
      const failure = this.classify(cause, turn.traceId);
      const failureReason = cause instanceof TurnFailure ? cause.reason : undefined;
      await sink({ kind: 'end', outcome: { answered: false, failure, ...(failureReason ? { failureReason } : {}), recall, reason: failure } });
    } finally {
      clearTimeout(deadline);
      callerSignal.removeEventListener('abort', onCallerGone);
      // Whatever is still running for this turn (an upstream request, a retrieval) stops now.
      // After a whole answer nothing is (aborting then would only cost an event per call).
      // An answer cut at ANSWER_MAX_CHARS leaves the model running: stop it too.
      if (!settled || !piecesDone) race.abort(TURN_FINISHED);
      // Nothing runs for the turn any more and its signal never aborted: the next turn may have it.
      else this.races.giveBack(race);
      // Fire and forget: a model that ignores its signal must not hold us up.
      if (pieces && !piecesDone) Promise.resolve(pieces.return?.()).catch(() => undefined);
    }
  }

  private classify(cause: unknown, traceId: string): TurnFailureKind {
    const kind = cause instanceof TurnFailure ? cause.kind : 'internal';
    const message = cause instanceof Error ? cause.message : String(cause);
    if (kind === 'internal') {
      this.log.error('turn failed unexpectedly', { traceId, failure: kind, error: message, stack: (cause as Error)?.stack });
    } else {
      this.log.warn('turn failed', { traceId, failure: kind, error: message });
    }
    return kind;
  }
}

/** Wraps what the sink threw, so it is not taken for a failure of the port being awaited. */
class ReceiverFailed {
  constructor(readonly cause: unknown) {}
}

const receiverFailed = (error: unknown): never => {
  throw new ReceiverFailed(error);
};

/** Hands `event` to `sink`; its failure, now or when its promise settles, comes back as `ReceiverFailed`. */
function hand(sink: TurnSink, event: TurnEvent): Promise<void> | undefined {
  try {
    return sink(event)?.catch(receiverFailed);
  } catch (error) {
    return receiverFailed(error);
  }
}

/**
 * The reason the turn's own signal carries once the turn is over, so that
 * whatever still runs for it stops. Shared: it is never shown or logged, and
 * an `Error` per turn would capture a stack per turn.
 */
const TURN_FINISHED = new Error('turn finished');

/**
 * What went wrong, as a failure: an abort keeps its reason, a `TurnFailure`
 * stays itself, and any other error of a port becomes a failure of that port
 * (`internal` when no port was being awaited).
 */
function blame(kind: TurnFailureKind, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof TurnFailure || kind === 'internal') return error;
  return new TurnFailure(kind, error instanceof Error ? error.message : String(error), { cause: error });
}
