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
 * Answers one turn in one reply by folding the streamed turn, so both
 * endpoints share one path (and one deadline, one failure handling).
 */
@injectable()
export class SyncChatUseCase {
  constructor(@inject(StreamChatUseCase) private readonly stream: StreamChatUseCase) {}

  async execute(turn: ChatTurn, callerSignal: AbortSignal): Promise<SyncAnswer> {
    let text = '';
    for await (const event of this.stream.execute(turn, callerSignal)) {
      if (event.kind === 'piece') text += event.text;
      else return { text, outcome: event.outcome };
    }
    throw new Error('the turn ended without an outcome');
  }
}
