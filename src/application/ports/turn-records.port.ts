import type { FeedbackRecord, RecordedDoc, TurnRecord } from '../../domain/turn-record.js';

/** Takes finished turns; never blocks or fails the turn that hands one over. */
export interface TurnRecorder {
  /** Queues the record; returns at once whatever the database is doing. */
  record(turn: TurnRecord): void;
}

/** A turn as read back: the user is the stored key (hashed, plain, or empty). */
export interface StoredTurn extends Omit<TurnRecord, 'user' | 'docs'> {
  readonly userKey: string;
  readonly docs: readonly RecordedDoc[];
}

/** Feedback as read back, with the user's stored key. */
export interface StoredFeedback extends Omit<FeedbackRecord, 'user'> {
  readonly userKey: string;
}

/** A time range (ms since epoch, `to` exclusive) and an optional business key. */
export interface RecordRange {
  readonly from: number;
  readonly to: number;
  readonly businessKey?: string;
}

/** What the admin pages and `/feedback` ask of the records. */
export interface TurnRecordQueries {
  /** Turns in the range, newest first, at most `limit`. */
  turns(range: RecordRange, limit: number): Promise<readonly StoredTurn[]>;
  /** Feedback given in the range, newest first, at most `limit`. */
  feedback(range: RecordRange, limit: number): Promise<readonly StoredFeedback[]>;
  /** Stores a rating; a second one by the same user on the same turn replaces the first. */
  saveFeedback(feedback: FeedbackRecord): Promise<void>;
}
