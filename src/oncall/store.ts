/**
 * The on-call tables as the roster maths sees them: groups with ordered members, history and
 * active swaps, read with one indexed query each. Every write that can change who is on call
 * first locks the group row (`loadGroup(db, id, true)`) and only then reads, so the handoff
 * job and a swap made at the same moment see each other's committed rows.
 */
import { notFound } from '../core/errors';
import type { Db } from '../db/knex';
import { addDays, computeRoster, type Day, type HistoryEntry, type RosterDay, type RosterGroup, type SwapEntry } from './roster';

export interface OncallGroup extends RosterGroup {
  id: number;
  name: string;
  feishuChatId: string | null;
  /** How long before a shift its person is told privately; 0: only at the handoff. */
  noticeLeadMinutes: number;
}

/** A person on call, as the alert pipeline and cards need them. */
export interface OncallPerson {
  userId: number;
  name: string;
  openId: string | null;
}

export type HistorySource = NonNullable<HistoryEntry['source']>;

/** DATE columns come back as Date at UTC midnight (the pool runs in UTC). */
export const dayOf = (v: unknown): Day => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

const fromGroupRow = (r: any, members: number[]): OncallGroup => ({
  id: r.id,
  name: r.name,
  members,
  shiftDays: r.shift_days,
  startDate: dayOf(r.start_date),
  handoffTime: r.handoff_time,
  timezone: r.timezone,
  noticeLeadMinutes: r.notice_lead_minutes,
  feishuChatId: r.feishu_chat_id,
});

async function withMembers(db: Db, rows: any[]): Promise<OncallGroup[]> {
  if (!rows.length) return [];
  const links = await db('oncall_members')
    .whereIn('group_id', rows.map((r) => r.id))
    .orderBy(['group_id', 'position'])
    .select('group_id', 'user_id');
  return rows.map((r) => fromGroupRow(r, links.filter((l: any) => l.group_id === r.id).map((l: any) => l.user_id)));
}

/** One group; `lock` takes the row lock every roster-changing write holds (make it the transaction's first read). */
export async function loadGroup(db: Db, id: number, lock = false): Promise<OncallGroup> {
  const q = db('oncall_groups').where({ id });
  const row = await (lock ? q.forUpdate() : q).first();
  if (!row) throw notFound('on-call group', id);
  return (await withMembers(db, [row]))[0]!;
}

export async function loadGroups(db: Db): Promise<OncallGroup[]> {
  return withMembers(db, await db('oncall_groups').orderBy('name'));
}

/** History before `before` (the only rows computeRoster reads), oldest first. */
export async function loadHistory(db: Db, groupId: number, before: Day): Promise<HistoryEntry[]> {
  const rows = await db('oncall_history').where('group_id', groupId).where('day', '<', before).orderBy('day').select('day', 'user_id', 'source');
  return rows.map((r: any) => ({ day: dayOf(r.day), userId: r.user_id, source: r.source }));
}

export async function loadActiveSwaps(db: Db, groupId: number, from: Day, to: Day): Promise<SwapEntry[]> {
  const rows = await db('oncall_swaps')
    .where('group_id', groupId)
    .whereBetween('day', [from, to])
    .whereNull('cancelled_at')
    .select('id', 'day', 'to_user_id', 'from_user_id');
  return rows.map((r: any) => ({ id: r.id, day: dayOf(r.day), toUserId: r.to_user_id, fromUserId: r.from_user_id }));
}

/** computeRoster over the database: one history query and one swap query. */
export async function planRoster(db: Db, group: OncallGroup, from: Day, to: Day, today: Day): Promise<RosterDay[]> {
  const before = to < today ? addDays(to, 1) : today;
  const [history, swaps] = [await loadHistory(db, group.id, before), await loadActiveSwaps(db, group.id, from, to)];
  return computeRoster(group, history, swaps, from, to, today);
}

/** How a planned day is stored: swaps stay 'swap' (never a rotation anchor); past days are 'backfill'. */
export const sourceOf = (d: RosterDay, today: Day): HistorySource =>
  d.reason === 'swap' ? 'swap' : d.day < today ? 'backfill' : 'rotation';

/**
 * History rows from `today` on are provisional: after a change (swap, members, shift
 * settings) they are rewritten to what the roster now says, so that `oncallNow`, which reads
 * today's row, and the roster, which computes today, never disagree. Rows before today are
 * what happened and are never touched. Call inside the transaction holding the group lock.
 */
export async function refreshCurrentHistory(db: Db, group: OncallGroup, today: Day): Promise<void> {
  const rows = await db('oncall_history').where('group_id', group.id).where('day', '>=', today).orderBy('day').select('day', 'user_id', 'source');
  if (!rows.length) return;
  const plan = await planRoster(db, group, today, dayOf(rows[rows.length - 1].day), today);
  const byDay = new Map(plan.map((d) => [d.day, d]));
  for (const r of rows) {
    const day = dayOf(r.day);
    const d = byDay.get(day)!;
    const where = { group_id: group.id, day };
    if (d.userId === null) await db('oncall_history').where(where).delete();
    else if (d.userId !== r.user_id || sourceOf(d, today) !== r.source)
      await db('oncall_history').where(where).update({ user_id: d.userId, source: sourceOf(d, today) });
  }
}

/** Names and open_ids of users, by id. */
export async function peopleById(db: Db, ids: Iterable<number>): Promise<Map<number, OncallPerson>> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await db('users').whereIn('id', unique).select('id', 'name', 'feishu_open_id') : [];
  return new Map(rows.map((r: any) => [r.id, { userId: r.id, name: r.name, openId: r.feishu_open_id }]));
}
