import type { ChatTurn } from '../../domain/chat-turn.js';
import type { SyncAnswer } from '../sync-chat.use-case.js';

/**
 * Delivers the answer of a turn accepted by `POST /chat/async` to whoever
 * waits for it (Yishiting's push endpoint).
 *
 * Contract: resolves once the answer was delivered or delivery was given up
 * (after the adapter's own bounded retries, with the final failure logged);
 * it does not reject for a delivery failure.
 */
export interface ReplyPusher {
  push(turn: ChatTurn, answer: SyncAnswer): Promise<void>;
}
