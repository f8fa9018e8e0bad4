import type { TurnFailureKind } from './turn-failure.js';

/**
 * Why a turn ended as it did, for its log line, the answers metric and the
 * turn record: how often the bot could not help, and why.
 * - `faq_direct`: an FAQ entry was clearly right and its stored answer was sent verbatim (no model call);
 * - `answered`: the model (or the extractive quote) answered from what was recalled;
 * - `no_recall`: nothing relevant was recalled, the no-answer reply was sent;
 * - `model_declined`: the model said the references do not answer it (the no-answer marker);
 * - `handoff_requested`: the user asked for a person;
 * - `small_talk`: a greeting or thanks, answered politely;
 * - `unsupported_msg_type`: not a text message;
 * - a `TurnFailureKind`: the turn failed.
 */
export type AnswerReason =
  | 'faq_direct'
  | 'answered'
  | 'no_recall'
  | 'model_declined'
  | 'handoff_requested'
  | 'small_talk'
  | 'unsupported_msg_type'
  | TurnFailureKind;
