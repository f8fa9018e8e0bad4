import type { RecordRange, StoredFeedback, StoredTurn } from '../../application/ports/turn-records.port.js';

/** What the batching writer and the admin queries need of a database (SQLite or PostgreSQL). */
export interface RecordStore {
  /** `sqlite` or `postgres`, for `/ready` and the log. */
  readonly kind: string;
  /** Connects and runs the migrations not yet applied; returns the install's salt for user hashes. */
  open(): Promise<string>;
  /** Writes a batch in one transaction; a trace id already stored is skipped (a retried batch). */
  insertTurns(rows: readonly StoredTurn[]): Promise<void>;
  /** Inserts or replaces the rating of (turn reference, user). */
  upsertFeedback(row: StoredFeedback): Promise<void>;
  turns(range: RecordRange, limit: number): Promise<StoredTurn[]>;
  feedback(range: RecordRange, limit: number): Promise<StoredFeedback[]>;
  /** Deletes turns and feedback older than `before` (ms since epoch); returns how many turns went. */
  prune(before: number): Promise<number>;
  close(): Promise<void>;
}

/** The columns of `turn_records`, in insert order. */
export const TURN_COLUMNS = [
  'trace_id', 'at', 'msg_id', 'session_id', 'user_key', 'business_keys', 'question', 'standalone_question', 'answer',
  'answer_truncated', 'answered', 'outcome', 'reason', 'docs', 'cited_doc_id', 'first_frame_ms', 'duration_ms', 'provider',
] as const;

/** A turn as the row values of `TURN_COLUMNS`. */
export function turnRow(t: StoredTurn): unknown[] {
  return [
    t.traceId, t.at, t.msgId ?? null, t.sessionId ?? null, t.userKey, JSON.stringify(t.businessKeys), t.question,
    t.standaloneQuestion, t.answer, t.answerTruncated ? 1 : 0, t.answered ? 1 : 0, t.outcome, t.reason,
    JSON.stringify(t.docs), t.citedDocId ?? null, t.firstFrameMs ?? null, t.durationMs, t.provider,
  ];
}

type Row = Record<string, unknown>;
const opt = (v: unknown) => (v === null || v === undefined ? undefined : String(v));
const optNum = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

/** A `turn_records` row back into a turn (PostgreSQL returns BIGINT as text). */
export function turnOfRow(r: Row): StoredTurn {
  return {
    traceId: String(r.trace_id),
    at: Number(r.at),
    msgId: opt(r.msg_id),
    sessionId: opt(r.session_id),
    userKey: String(r.user_key),
    businessKeys: JSON.parse(String(r.business_keys)) as string[],
    question: String(r.question),
    standaloneQuestion: String(r.standalone_question),
    answer: String(r.answer),
    answerTruncated: Number(r.answer_truncated) === 1,
    answered: Number(r.answered) === 1,
    outcome: String(r.outcome),
    reason: String(r.reason),
    docs: JSON.parse(String(r.docs)) as StoredTurn['docs'],
    citedDocId: opt(r.cited_doc_id),
    firstFrameMs: optNum(r.first_frame_ms),
    durationMs: Number(r.duration_ms),
    provider: String(r.provider),
  };
}

export function feedbackOfRow(r: Row): StoredFeedback {
  return { turnRef: String(r.turn_ref), userKey: String(r.user_key), at: Number(r.at), rating: r.rating === 'up' ? 'up' : 'down', comment: opt(r.comment) };
}

/**
 * Numbered migrations, the same SQL for SQLite and PostgreSQL (portable
 * types only). Append new ones; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE records_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE turn_records (
     trace_id TEXT PRIMARY KEY, at BIGINT NOT NULL, msg_id TEXT, session_id TEXT, user_key TEXT NOT NULL,
     business_keys TEXT NOT NULL, question TEXT NOT NULL, standalone_question TEXT NOT NULL, answer TEXT NOT NULL,
     answer_truncated INTEGER NOT NULL, answered INTEGER NOT NULL, outcome TEXT NOT NULL, reason TEXT NOT NULL,
     docs TEXT NOT NULL, cited_doc_id TEXT, first_frame_ms INTEGER, duration_ms INTEGER NOT NULL, provider TEXT NOT NULL);
   CREATE INDEX turn_records_at ON turn_records (at);
   CREATE INDEX turn_records_msg_id ON turn_records (msg_id);
   CREATE TABLE feedback (
     turn_ref TEXT NOT NULL, user_key TEXT NOT NULL, at BIGINT NOT NULL, rating TEXT NOT NULL, comment TEXT,
     PRIMARY KEY (turn_ref, user_key));
   CREATE INDEX feedback_at ON feedback (at);`,
  // Nothing looks turns up by msg_id (reports join feedback to turns in memory), and the index on
  // random msg_ids made an insert cost ~100 µs instead of ~63 at 10,000 rows, on the service's thread.
  'DROP INDEX IF EXISTS turn_records_msg_id',
];

export const SCHEMA_VERSION_TABLE = 'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)';
export const INSERT_TURN_SQL = `INSERT INTO turn_records (${TURN_COLUMNS.join(', ')}) VALUES (${TURN_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (trace_id) DO NOTHING`;
export const UPSERT_FEEDBACK_SQL =
  'INSERT INTO feedback (turn_ref, user_key, at, rating, comment) VALUES (?, ?, ?, ?, ?) ' +
  'ON CONFLICT (turn_ref, user_key) DO UPDATE SET at = excluded.at, rating = excluded.rating, comment = excluded.comment';
export const SALT_INSERT_SQL = "INSERT INTO records_meta (key, value) VALUES ('user_salt', ?) ON CONFLICT (key) DO NOTHING";
export const SALT_SELECT_SQL = "SELECT value FROM records_meta WHERE key = 'user_salt'";
/**
 * Characters of a question (and of the searched question) the reports read. A question may be
 * MAX_CONTENT_CHARS long, and reading 100,000 such turns whole took gigabytes; the admin page
 * shows a question and teaches it as an FAQ wording of at most 500 characters anyway.
 */
export const REPORT_QUESTION_CHARS = 500;
const REPORT_COLUMNS = TURN_COLUMNS.map((c) =>
  c === 'question' || c === 'standalone_question' ? `substr(${c}, 1, ${REPORT_QUESTION_CHARS}) AS ${c}` : c,
).join(', ');
export const TURNS_SQL = `SELECT ${REPORT_COLUMNS} FROM turn_records WHERE at >= ? AND at < ? ORDER BY at DESC LIMIT ?`;
/** Every turn of one millisecond (a page of `TURNS_SQL` may end inside one). */
export const TURNS_AT_SQL = `SELECT ${REPORT_COLUMNS} FROM turn_records WHERE at = ?`;
export const FEEDBACK_SQL = 'SELECT * FROM feedback WHERE at >= ? AND at < ? ORDER BY at DESC LIMIT ?';

/** Keeps the turns of one business key (stored as a JSON list, filtered after reading). */
export function inBusiness(turns: StoredTurn[], key: string | undefined): StoredTurn[] {
  return key ? turns.filter((t) => t.businessKeys.includes(key)) : turns;
}
