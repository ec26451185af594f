import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { conflict, invalidField, notFound } from '../core/errors';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import { isDay } from './dates';
import type { OncallNowCache } from './now-cache';
import { rosterDayAt, shiftStartsAt, type Day } from './roster';
import { insertRequest } from './swap-request-rows';
import { dayOf, loadGroup, planRoster, refreshCurrentHistory, type OncallGroup } from './store';

export interface Swap {
  id: number;
  groupId: number;
  day: Day;
  /** Who was on call that day before this swap (null: nobody was planned). */
  fromUserId: number | null;
  toUserId: number;
  requestedBy: number | null;
  createdAt: Date;
  cancelledAt: Date | null;
  cancelledBy: number | null;
  /** The accepted or forced swap request this swap came from. */
  requestId: number | null;
}

const day = z.string().refine(isDay, 'must be a calendar day (YYYY-MM-DD)');
const userId = z.number().int().positive('must be a user id');

export const swapCreateSchema = z
  .object({
    day,
    toUserId: userId,
    /** Defaults to the acting user. */
    requestedBy: userId.nullable().optional(),
  })
  .strict();

export const swapListSchema = z
  .object({ from: day.optional(), to: day.optional(), includeCancelled: z.enum(['true', 'false']).optional() })
  .strict();

const fromSwapRow = (r: any): Swap => ({
  id: r.id,
  groupId: r.group_id,
  day: dayOf(r.day),
  fromUserId: r.from_user_id,
  toUserId: r.to_user_id,
  requestedBy: r.requested_by,
  createdAt: r.created_at,
  cancelledAt: r.cancelled_at,
  cancelledBy: r.cancelled_by,
  requestId: r.request_id ?? null,
});

/**
 * Shift swaps: one day of a group handed to another member. Rules:
 * - the day is today or later in the group's zone (its current roster day, which before the
 *   handoff time is still yesterday's date); past days are history and are refused;
 * - the person taking the day must be a current member of the group: the swap card offers
 *   members only, and an outsider would be paged by a rotation they never joined;
 * - fromUserId is whoever was on call that day before the swap, earlier swaps included;
 * - the newest active swap of a day wins; swapping back is another swap or a cancel, and a
 *   cancel is refused once the day is past.
 */
export class SwapService {
  constructor(
    private readonly db: Knex,
    private readonly cache: OncallNowCache,
    private readonly clock: Clock,
  ) {}

  async list(groupId: number, query: Record<string, string> = {}): Promise<Swap[]> {
    const q = parseInput(swapListSchema, query, 'query');
    await loadGroup(this.db, groupId);
    const rows = await this.db('oncall_swaps')
      .where('group_id', groupId)
      .modify((b) => {
        if (q.from) b.where('day', '>=', q.from);
        if (q.to) b.where('day', '<=', q.to);
        if (q.includeCancelled !== 'true') b.whereNull('cancelled_at');
      })
      .orderBy(['day', 'id']);
    return rows.map(fromSwapRow);
  }

  async get(id: number): Promise<Swap> {
    const row = await this.db('oncall_swaps').where({ id }).first();
    if (!row) throw notFound('on-call swap', id);
    return fromSwapRow(row);
  }

  async create(groupId: number, input: unknown, actor: Actor): Promise<Swap> {
    const s = parseInput(swapCreateSchema, input, 'swap');
    const swap = await this.db.transaction(async (trx) => {
      const group = await loadGroup(trx, groupId, true);
      const today = this.today(group);
      if (s.day < today)
        throw invalidField('day', `${s.day} is in the past in ${group.timezone} (the current roster day is ${today}); past days cannot be swapped`);
      if (!group.members.includes(s.toUserId))
        throw invalidField('toUserId', `user ${s.toUserId} is not a member of on-call group ${group.name}`);
      const requestedBy = s.requestedBy === undefined ? (actor.userId ?? null) : s.requestedBy;
      if (requestedBy !== null && !(await trx('users').where({ id: requestedBy }).first('id')))
        throw invalidField('requestedBy', `user ${requestedBy} does not exist`);
      const [before] = await planRoster(trx, group, s.day, s.day, today);
      const fromUserId = before?.userId ?? null;
      if (fromUserId === s.toUserId) throw conflict(`user ${s.toUserId} is already on call in ${group.name} on ${s.day}`, { field: 'toUserId' });
      // The admin API forces: recorded as a forced request, like a forced request from chat.
      const now = this.clock.now();
      const request = await insertRequest(
        trx,
        {
          groupId, firstDay: s.day, lastDay: s.day, fromUserId, toUserId: s.toUserId, requestedBy, state: 'forced',
          expiresAt: shiftStartsAt(group, s.day), decidedBy: actor.userId ?? null, decidedAt: now,
        },
        now,
      );
      const [id] = (await trx('oncall_swaps').insert({
        group_id: groupId,
        day: s.day,
        from_user_id: fromUserId,
        to_user_id: s.toUserId,
        requested_by: requestedBy,
        created_at: now,
        request_id: request.id,
      })) as [number];
      await refreshCurrentHistory(trx, group, today);
      const created = fromSwapRow(await trx('oncall_swaps').where({ id }).first());
      await writeAudit(trx, actor, { action: 'create', entity: 'oncall_swap', entityId: id, after: created });
      return created;
    });
    await this.cache.drop(groupId);
    return swap;
  }

  /** Cancels an active swap of today or later; the day goes back to whoever it was before. */
  async cancel(id: number, actor: Actor): Promise<Swap> {
    const swap = await this.db.transaction(async (trx) => {
      // Locking reads first, so the reads after them see every committed change of the group.
      const row = await trx('oncall_swaps').where({ id }).forUpdate().first();
      if (!row) throw notFound('on-call swap', id);
      const group = await loadGroup(trx, row.group_id, true);
      const before = fromSwapRow(row);
      if (before.cancelledAt) throw conflict(`swap ${id} was already cancelled`, { cancelledAt: before.cancelledAt });
      const today = this.today(group);
      if (before.day < today)
        throw conflict(`swap ${id} is for ${before.day}, a past day in ${group.timezone} (the current roster day is ${today}); history cannot change`);
      await trx('oncall_swaps').where({ id }).update({ cancelled_at: this.clock.now(), cancelled_by: actor.userId ?? null });
      await refreshCurrentHistory(trx, group, today);
      const after = fromSwapRow(await trx('oncall_swaps').where({ id }).first());
      await writeAudit(trx, actor, { action: 'cancel', entity: 'oncall_swap', entityId: id, before, after });
      return after;
    });
    await this.cache.drop(swap.groupId);
    return swap;
  }

  private today(group: OncallGroup): Day {
    return rosterDayAt(group, this.clock.now());
  }
}
