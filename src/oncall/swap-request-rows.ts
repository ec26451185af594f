/**
 * Swap requests as stored, and the one way a request changes the roster: `applyRequest`
 * writes one oncall_swaps row per day (reason 'swap' in the roster, as before) pointing back
 * at the request. Call everything here inside the transaction holding the group lock.
 */
import { userError } from '../i18n';
import type { Db } from '../db/knex';
import { addDays, daysBetween, type Day } from './dates';
import { dayOf, planRoster, refreshCurrentHistory, type OncallGroup } from './store';

export const SWAP_REQUEST_STATES = ['pending', 'accepted', 'declined', 'expired', 'cancelled', 'forced'] as const;
export type SwapRequestState = (typeof SWAP_REQUEST_STATES)[number];

export interface SwapRequest {
  id: number;
  groupId: number;
  firstDay: Day;
  lastDay: Day;
  /** Who held the days when asked (null: nobody was planned). */
  fromUserId: number | null;
  /** Who is asked; null: an offer to the whole group. */
  toUserId: number | null;
  requestedBy: number | null;
  state: SwapRequestState;
  /** The first day's shift start (for a shift already running: its end). */
  expiresAt: Date;
  createdAt: Date;
  /** Who accepted (for an offer: took it), declined, cancelled or forced it; null when it expired. */
  decidedBy: number | null;
  decidedAt: Date | null;
}

/** What changed, for the notices that follow a commit. */
export interface SwapRequestChange {
  requestId: number;
  state: SwapRequestState;
}

export const fromRequestRow = (r: any): SwapRequest => ({
  id: r.id,
  groupId: r.group_id,
  firstDay: dayOf(r.first_day),
  lastDay: dayOf(r.last_day),
  fromUserId: r.from_user_id,
  toUserId: r.to_user_id,
  requestedBy: r.requested_by,
  state: r.state,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
});

export async function loadRequest(db: Db, id: number, lock = false): Promise<SwapRequest | null> {
  const q = db('oncall_swap_requests').where({ id });
  const row = await (lock ? q.forUpdate() : q).first();
  return row ? fromRequestRow(row) : null;
}

export type NewRequest = Omit<SwapRequest, 'id' | 'createdAt'>;

export async function insertRequest(db: Db, r: NewRequest, now: Date): Promise<SwapRequest> {
  const [id] = (await db('oncall_swap_requests').insert({
    group_id: r.groupId,
    first_day: r.firstDay,
    last_day: r.lastDay,
    from_user_id: r.fromUserId,
    to_user_id: r.toUserId,
    requested_by: r.requestedBy,
    state: r.state,
    expires_at: r.expiresAt,
    created_at: now,
    decided_by: r.decidedBy,
    decided_at: r.decidedAt,
  })) as [number];
  return (await loadRequest(db, id))!;
}

/** The days of a request, in order. */
export const requestDays = (r: Pick<SwapRequest, 'firstDay' | 'lastDay'>): Day[] =>
  Array.from({ length: daysBetween(r.firstDay, r.lastDay) + 1 }, (_, i) => addDays(r.firstDay, i));

/**
 * Who holds each of the days now (swaps included), and the single holder when it is one
 * person (or nobody) for all of them.
 */
export async function holdersOf(db: Db, group: OncallGroup, firstDay: Day, lastDay: Day, today: Day) {
  const plan = await planRoster(db, group, firstDay, lastDay, today);
  const holders = [...new Set(plan.map((d) => d.userId))];
  return { plan, holders, single: holders.length === 1 ? holders[0]! : undefined };
}

/**
 * Hands the request's days to `toUserId`: refused (conflict) when one of them is no longer
 * held by the request's from-user, since the person asked agreed to take it from them.
 */
export async function applyRequest(db: Db, group: OncallGroup, r: SwapRequest, toUserId: number, today: Day, now: Date): Promise<void> {
  const { plan } = await holdersOf(db, group, r.firstDay, r.lastDay, today);
  const moved = plan.find((d) => d.userId !== r.fromUserId);
  if (moved) throw userError({ code: 'conflict', details: { day: moved.day } }, 'swapErr.shiftChanged', { id: r.id, day: moved.day });
  await db('oncall_swaps').insert(
    plan.map((d) => ({
      group_id: group.id,
      day: d.day,
      from_user_id: r.fromUserId,
      to_user_id: toUserId,
      requested_by: r.requestedBy,
      created_at: now,
      request_id: r.id,
    })),
  );
  await refreshCurrentHistory(db, group, today);
}
