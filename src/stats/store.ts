import type { Db } from '../db/knex';
import type { StatsEvent, StatsPage } from './figures';

/**
 * The SQL behind the stats (figures.ts does the maths). Events are read in pages of
 * (first_seen_at, id) on the index migration 010 adds, with the pages (messages to people)
 * about each page of events, so a month of a busy install never sits in memory at once.
 */

/**
 * Timeline kinds that acknowledge an alert; the first one is the acknowledgement MTTA
 * measures. One list, so a new way of acknowledging (an `acknowledged` kind) counts by being
 * added here.
 */
export const ACK_KINDS = ['claimed'] as const;

/** Channels that message one person: the private card to the person on call, escalation cards. */
export const PAGE_CHANNELS = ['private', 'escalation'] as const;

/**
 * Rows a page: what the driver parses and the fold takes in one go. 30 days of 100,000 alerts
 * (npm run bench -- stats): pages of 5,000 stalled the event loop up to 109 ms and took 3.1 s
 * in all; pages of 2,000, 31 ms and 2.0 s.
 */
const PAGE_SIZE = 2000;

export interface StatsScope {
  /** null: every send group. */
  sendGroupId: number | null;
  from: Date;
  to: Date;
}

export interface StatsChunk {
  events: StatsEvent[];
  pages: StatsPage[];
}

/** The events that fired in the window (and the pages about them sent in it), a page at a time. */
export async function* statsChunks(db: Db, scope: StatsScope, pageSize = PAGE_SIZE): AsyncGenerator<StatsChunk> {
  let after: { at: Date; id: number } | null = null;
  for (;;) {
    const rows: any[] = await eventsAfter(db, scope, after, pageSize);
    if (!rows.length) return;
    const ids = rows.map((r) => Number(r.id));
    yield { events: rows.map(toEvent), pages: await pagesOf(db, ids, scope) };
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { at: last.first_seen_at, id: Number(last.id) };
  }
}

function eventsAfter(db: Db, scope: StatsScope, after: { at: Date; id: number } | null, limit: number) {
  const ack = db('event_timeline as t').min('t.at').whereRaw('t.event_id = e.id').whereIn('t.kind', ACK_KINDS);
  const q = db('alert_events as e')
    .where('e.first_seen_at', '>=', scope.from)
    .where('e.first_seen_at', '<=', scope.to)
    .orderBy([{ column: 'e.first_seen_at' }, { column: 'e.id' }])
    .limit(limit)
    .select('e.id', 'e.send_group_id', 'e.rule_id', 'e.alertname', 'e.fingerprint', 'e.first_seen_at', 'e.resolved_at', ack.as('ack_at'));
  if (scope.sendGroupId !== null) q.where('e.send_group_id', scope.sendGroupId);
  if (after) q.where((w) => w.where('e.first_seen_at', '>', after.at).orWhere((x) => x.where('e.first_seen_at', after.at).where('e.id', '>', after.id)));
  return q;
}

const toEvent = (r: any): StatsEvent => ({
  sendGroupId: r.send_group_id,
  ruleId: r.rule_id,
  alertname: r.alertname,
  fingerprint: r.fingerprint,
  firedAt: r.first_seen_at,
  ackAt: r.ack_at === null ? null : new Date(r.ack_at),
  resolvedAt: r.resolved_at,
});

/**
 * Pages sent about these events inside the window: messages that reached the person (a
 * Feishu message id or a digest line), not those still pending or refused for good.
 */
async function pagesOf(db: Db, eventIds: number[], scope: StatsScope): Promise<StatsPage[]> {
  const rows: any[] = await db('alert_event_messages as m')
    .join('alert_events as e', 'e.id', 'm.event_id')
    .leftJoin('users as u', 'u.feishu_open_id', 'm.receive_id')
    .whereIn('m.event_id', eventIds)
    .whereIn('m.channel', PAGE_CHANNELS)
    .whereNotNull('m.message_id')
    .whereNot('m.message_id', 'like', 'pending:%')
    .where('m.created_at', '>=', scope.from)
    .where('m.created_at', '<=', scope.to)
    .select('e.send_group_id', 'u.id as user_id', 'u.name', 'm.receive_id', 'm.created_at');
  return rows.map((r) => ({ sendGroupId: r.send_group_id, userId: r.user_id, name: r.name ?? r.receive_id, at: r.created_at }));
}

export interface SendGroupZone {
  id: number;
  name: string;
  enabled: boolean;
  feishuChatId: string | null;
  /** The on-call group's zone; null without an on-call group. */
  timeZone: string | null;
}

/** Every send group with the zone its after-hours are judged in. */
export async function sendGroupZones(db: Db): Promise<SendGroupZone[]> {
  const rows: any[] = await db('send_groups as g')
    .leftJoin('oncall_groups as o', 'o.id', 'g.oncall_group_id')
    .orderBy('g.id')
    .select('g.id', 'g.name', 'g.enabled', 'g.feishu_chat_id', 'o.timezone');
  return rows.map((r) => ({ id: r.id, name: r.name, enabled: Boolean(r.enabled), feishuChatId: r.feishu_chat_id, timeZone: r.timezone }));
}
