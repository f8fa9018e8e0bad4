import { inject, injectable } from 'inversify';
import type { ChatTurn } from '../domain/chat-turn.js';
import type { TurnOutcome } from '../domain/turn-event.js';
import { StreamChatUseCase } from './stream-chat.use-case.js';

/** A whole answer at once, for Yishiting's service accounts and group bots. */
export interface SyncAnswer {
  /** The answer's text (pieces joined); on failure, whatever came before it. */
  readonly text: string;
  readonly outcome: TurnOutcome;
}

/**
 * Answers one turn in one reply by collecting the streamed turn's events, so both
 * endpoints share one path (and one deadline, one failure handling).
 */
@injectable()
export class SyncChatUseCase {
  constructor(@inject(StreamChatUseCase) private readonly stream: StreamChatUseCase) {}

  async execute(turn: ChatTurn, callerSignal: AbortSignal): Promise<SyncAnswer> {
    let text = '';
    let outcome: TurnOutcome | undefined;
    await this.stream.execute(turn, callerSignal, (event) => {
      if (event.kind === 'piece') text += event.text;
      else outcome = event.outcome;
    });
    if (!outcome) throw new Error('the turn ended without an outcome');
    return { text, outcome };
  }
}
