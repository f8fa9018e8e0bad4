import { Ajv, type ErrorObject } from 'ajv';
import getRawBody from 'raw-body';
import type { TurnRecordQueries } from '../../../application/ports/turn-records.port.js';
import type { HttpExtension } from '../app.js';
import type { CallContext } from '../chat.routes.js';
import { RequestProblem } from '../reply-table.js';
import { adminAccess } from './admin-access.js';
import { buildInlinePage, sendInlinePage } from '../inline-page.js';
import { docs, slowest, summary, thumbsDown, unanswered } from './admin-reports.js';
import { csvTable } from './csv-table.js';
import { MAX_SIMILAR, TaughtFaqFile } from './taught-faq.file.js';

export interface AdminOptions {
  readonly records: TurnRecordQueries;
  readonly token?: string;
  readonly faqFile: string;
  /** Turns read per report at most (newest first). */
  readonly scanLimit?: number;
  readonly now?: () => number;
}

const DAY_MS = 86_400_000;
const TEXT = (max: number) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S' });
const WORDINGS = { type: 'array', maxItems: MAX_SIMILAR, items: TEXT(500) };
const ajv = new Ajv({ allErrors: true, strict: false });
const validEntry = ajv.compile<{ question: string; answer: string; similar?: string[] }>({
  type: 'object',
  required: ['question', 'answer'],
  properties: { question: TEXT(500), answer: TEXT(10_000), similar: WORDINGS },
  additionalProperties: false,
});
const validWordings = ajv.compile<{ similar: string[] }>({
  type: 'object', required: ['similar'], properties: { similar: { ...WORDINGS, minItems: 1 } }, additionalProperties: false,
});

/**
 * `GET /admin` (the page) and `/admin/api/*` (its JSON, CSV with
 * `?format=csv`): what was asked, what went unanswered, what users thought;
 * and "teach it", which appends FAQ entries to the file the index reads.
 */
export function adminExtension(options: AdminOptions): HttpExtension {
  const allow = adminAccess(options.token);
  const faq = new TaughtFaqFile(options.faqFile);
  const now = options.now ?? Date.now;
  const limit = options.scanLimit ?? 100_000;
  // admin.html with admin.css and admin.client.js inlined; the chart is inline SVG drawn by that script.
  const page = buildInlinePage(new URL('./', import.meta.url), 'admin');

  const range = (ctx: CallContext) => {
    const parse = (name: string, fallback: number, end: boolean) => {
      const raw = ctx.query[name];
      if (raw === undefined || raw === '') return fallback;
      const text = String(raw);
      const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) + (end ? DAY_MS : 0) : Date.parse(text);
      if (!Number.isFinite(ms)) throw new RequestProblem('bad_request', `${name}: not a date (YYYY-MM-DD or ISO 8601)`);
      return ms;
    };
    const to = parse('to', now() + 1, true);
    const from = parse('from', to - 30 * DAY_MS, false);
    if (from >= to) throw new RequestProblem('bad_request', 'from: must be before to');
    const key = ctx.query.business_key;
    return { from, to, businessKey: typeof key === 'string' && key !== '' ? key.slice(0, 256) : undefined };
  };
  const reply = (ctx: CallContext, body: object, table: readonly Record<string, unknown>[]) => {
    ctx.set('Cache-Control', 'no-store');
    if (ctx.query.format === 'csv') {
      ctx.type = 'text/csv; charset=utf-8';
      ctx.set('Content-Disposition', `attachment; filename="${ctx.path.split('/').pop()}.csv"`);
      ctx.body = csvTable(table);
    } else ctx.body = body;
  };
  const read = async <T>(work: () => Promise<T>) => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RequestProblem) throw error;
      throw new RequestProblem('unavailable', 'the records database is not reachable; try again later');
    }
  };

  // The FAQ file busy (another instance's lock) or not writable: say so, with the file, rather than a bare 500.
  const write = async <T>(work: () => Promise<T>) => {
    try {
      return await work();
    } catch (error) {
      throw new RequestProblem('unavailable', `could not write ${faq.path}: ${(error as Error).message.slice(0, 300)}`);
    }
  };

  return {
    routes(router) {
      router.get('/admin', (ctx) => {
        allow(ctx, false);
        sendInlinePage(ctx, page);
      });
      router.get('/admin/api/summary', async (ctx) => {
        allow(ctx, false);
        const s = summary(await read(() => options.records.turns(range(ctx), limit)));
        reply(ctx, { ...s, writable: options.token !== undefined }, s.by_day);
      });
      router.get('/admin/api/unanswered', async (ctx) => {
        allow(ctx, false);
        const u = await unanswered(await read(() => options.records.turns(range(ctx), limit)));
        reply(ctx, u, u.groups.map((g) => ({ ...g, wordings: g.wordings.join(' | '), best: g.best?.title ?? '' })));
      });
      router.get('/admin/api/feedback', async (ctx) => {
        allow(ctx, false);
        const r = range(ctx);
        const [fb, turns] = await read(() => Promise.all([options.records.feedback(r, limit), options.records.turns({ ...r, businessKey: undefined, from: r.from - 7 * DAY_MS }, limit)]));
        const f = thumbsDown(fb, turns);
        reply(ctx, f, f.feedback);
      });
      router.get('/admin/api/docs', async (ctx) => {
        allow(ctx, false);
        const d = docs(await read(() => options.records.turns(range(ctx), limit)));
        reply(ctx, d, [...d.most_cited, ...d.never_cited]);
      });
      router.get('/admin/api/slowest', async (ctx) => {
        allow(ctx, false);
        const s = slowest(await read(() => options.records.turns(range(ctx), limit)));
        reply(ctx, s, s.turns);
      });
      router.post('/admin/api/faq', async (ctx) => {
        allow(ctx, true);
        const body = await jsonOf(ctx);
        if (!validEntry(body)) throw new RequestProblem('bad_request', describe(validEntry.errors));
        const trim = (s: string) => s.trim().toWellFormed();
        const question = trim(body.question);
        const similar = [...new Set((body.similar ?? []).map(trim))].filter((s) => s !== question);
        const entry = await write(() => faq.add({ question, answer: trim(body.answer), similar }));
        ctx.status = 201;
        ctx.body = { code: 0, err_msg: '', id: entry.id };
      });
      router.post('/admin/api/faq/:id/similar', async (ctx) => {
        allow(ctx, true);
        const body = await jsonOf(ctx);
        if (!validWordings(body)) throw new RequestProblem('bad_request', describe(validWordings.errors));
        const entry = await write(() => faq.addSimilar(ctx.params.id ?? '', body.similar.map((s) => s.trim().toWellFormed())));
        if (!entry) throw new RequestProblem('not_found', `no entry ${String(ctx.params.id).slice(0, 100)} in ${faq.path}`);
        ctx.body = { code: 0, err_msg: '', id: entry.id, similar: entry.similar };
      });
    },
  };
}

/**
 * The body of an admin write: JSON, at most 64 KiB. Read here rather than by
 * the chat body reader, whose admission checks (signatures, per-user rate
 * limits) are for Yishiting's calls, not an operator's page.
 */
async function jsonOf(ctx: CallContext): Promise<unknown> {
  if (!ctx.is('application/json')) throw new RequestProblem('unsupported_media_type', 'Content-Type must be application/json');
  let text: string;
  try {
    text = (await getRawBody(ctx.req, { limit: 64 * 1024, encoding: 'utf8' })).toString();
  } catch (error) {
    if ((error as { type?: string }).type === 'entity.too.large') throw new RequestProblem('payload_too_large', 'admin: body over 64 KiB');
    throw new RequestProblem('bad_request', 'body: could not be read');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestProblem('bad_request', 'body: malformed JSON');
  }
}

function describe(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .map((e) => {
      if (e.keyword === 'required') return `${(e.params as { missingProperty: string }).missingProperty}: is required`;
      if (e.keyword === 'additionalProperties') return `${(e.params as { additionalProperty: string }).additionalProperty}: unknown field`;
      const field = e.instancePath.slice(1).replaceAll('/', '.') || 'body';
      if (e.keyword === 'pattern' || e.keyword === 'minLength') return `${field}: must not be empty`;
      return `${field}: ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}
