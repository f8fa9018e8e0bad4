import type { StoredFeedback, StoredTurn } from '../../../application/ports/turn-records.port.js';
import { termSet } from '../../knowledge-base/zh-tokenizer.js';

/** Reasons that mean the bot had nothing to say; an answer whose best recall scored under `LOW_CONFIDENCE` joins them. */
const UNANSWERED = new Set(['no_recall', 'model_declined']);
const LOW_CONFIDENCE = 0.5;
/** Two wordings whose term sets overlap this much (Dice over words and character bigrams) are one question. */
const SAME_QUESTION = 0.5;
const MAX_GROUPS = 200;
const MAX_WORDINGS = 20;
/**
 * A wording is compared by its first characters only: a question may be
 * `MAX_CONTENT_CHARS` long, and comparing thousands of terms against every
 * group made a few hundred long questions cost seconds each report.
 */
const GROUP_CHARS = 200;
/** The grouping gives the event loop back this often (ms), so a report over many turns never stalls the calls being answered. */
const SLICE_MS = 10;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();

/** Answer rate by day (UTC) and the reasons turns ended as they did. */
export function summary(turns: readonly StoredTurn[]) {
  const days = new Map<string, { day: string; turns: number; answered: number }>();
  const reasons: Record<string, number> = {};
  for (const t of turns) {
    const d = days.get(day(t.at)) ?? { day: day(t.at), turns: 0, answered: 0 };
    d.turns += 1;
    if (t.answered) d.answered += 1;
    days.set(d.day, d);
    reasons[t.reason] = (reasons[t.reason] ?? 0) + 1;
  }
  const byDay = [...days.values()].sort((a, b) => a.day.localeCompare(b.day)).map((d) => ({ ...d, rate: d.turns ? d.answered / d.turns : 0 }));
  const answered = turns.filter((t) => t.answered).length;
  return { turns: turns.length, answered, rate: turns.length ? answered / turns.length : 0, by_day: byDay, reasons };
}

function isUnanswered(t: StoredTurn): boolean {
  if (UNANSWERED.has(t.reason)) return true;
  return t.reason === 'answered' && (t.docs[0]?.score ?? 0) < LOW_CONFIDENCE;
}

function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

interface Group {
  terms: Set<string>;
  count: number;
  wordings: Map<string, number>;
  lastAsked: number;
  best?: StoredTurn['docs'][number];
  reasons: Record<string, number>;
}

/**
 * Unanswered and low-confidence questions, wordings of one question grouped
 * (greedy: each question joins the first group it is close enough to, else
 * starts one), with counts, when last asked and the best candidate the bot had.
 */
export async function unanswered(turns: readonly StoredTurn[]) {
  const groups: Group[] = [];
  let slice = Date.now();
  for (const t of turns) {
    if (Date.now() - slice >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      slice = Date.now();
    }
    if (!isUnanswered(t)) continue;
    const wording = t.standaloneQuestion.trim();
    const terms = termSet(wording.slice(0, GROUP_CHARS));
    let group = groups.find((g) => dice(g.terms, terms) >= SAME_QUESTION);
    if (!group) {
      if (groups.length >= MAX_GROUPS) continue;
      group = { terms, count: 0, wordings: new Map(), lastAsked: 0, reasons: {} };
      groups.push(group);
    }
    group.count += 1;
    group.lastAsked = Math.max(group.lastAsked, t.at);
    group.reasons[t.reason] = (group.reasons[t.reason] ?? 0) + 1;
    if (group.wordings.has(wording) || group.wordings.size < MAX_WORDINGS) group.wordings.set(wording, (group.wordings.get(wording) ?? 0) + 1);
    for (const d of t.docs) if (!group.best || d.score > group.best.score) group.best = d;
  }
  return {
    groups: groups
      .sort((a, b) => b.count - a.count || b.lastAsked - a.lastAsked)
      .map((g) => {
        const wordings = [...g.wordings.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w);
        return { question: wordings[0] ?? '', count: g.count, wordings, last_asked: iso(g.lastAsked), reasons: g.reasons, best: g.best ?? null };
      }),
  };
}

/**
 * Thumbs-down ratings with the question and answer they were about (when the turn is in range).
 * A `msg_id` is the asker's (two users may use the same one, as idempotency does), so a rating by
 * `msg_id` names the rating user's own turn: another user's rating of it is shown without it.
 * Turns stored without their user (`RECORD_USER=none`) cannot be told apart and match any rater.
 */
export function thumbsDown(feedback: readonly StoredFeedback[], turns: readonly StoredTurn[]) {
  const byRef = new Map<string, StoredTurn>();
  for (const t of turns) {
    byRef.set(`t:${t.traceId}`, t);
    if (t.msgId) byRef.set(`m:${t.msgId}\u0000${t.userKey}`, t);
  }
  const turnOf = (f: StoredFeedback) =>
    f.turnRef.startsWith('m:') ? (byRef.get(`${f.turnRef}\u0000${f.userKey}`) ?? byRef.get(`${f.turnRef}\u0000`)) : byRef.get(f.turnRef);
  return {
    feedback: feedback
      .filter((f) => f.rating === 'down')
      .map((f) => {
        const t = turnOf(f);
        return { at: iso(f.at), turn: f.turnRef, question: t?.question ?? null, answer: t?.answer ?? null, reason: t?.reason ?? null, comment: f.comment ?? '' };
      }),
  };
}

/** Documents and entries by how often they were cited and recalled; recalled but never cited ones apart. */
export function docs(turns: readonly StoredTurn[]) {
  const seen = new Map<string, { doc_id: string; title: string; kind: string; url: string; recalled: number; cited: number }>();
  for (const t of turns) {
    for (const d of t.docs) {
      const row = seen.get(d.docId) ?? { doc_id: d.docId, title: d.title, kind: d.kind, url: d.url, recalled: 0, cited: 0 };
      row.recalled += 1;
      if (t.citedDocId === d.docId) row.cited += 1;
      seen.set(d.docId, row);
    }
  }
  const all = [...seen.values()];
  return {
    most_cited: all.filter((d) => d.cited > 0).sort((a, b) => b.cited - a.cited).slice(0, 100),
    never_cited: all.filter((d) => d.cited === 0).sort((a, b) => b.recalled - a.recalled).slice(0, 100),
  };
}

/** The slowest turns. */
export function slowest(turns: readonly StoredTurn[], limit = 50) {
  return {
    turns: [...turns]
      .sort((a, b) => b.durationMs - a.durationMs)
      .slice(0, limit)
      .map((t) => ({ at: iso(t.at), trace_id: t.traceId, question: t.question, reason: t.reason, duration_ms: t.durationMs, first_frame_ms: t.firstFrameMs ?? null, provider: t.provider })),
  };
}
