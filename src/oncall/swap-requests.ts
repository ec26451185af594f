import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { notFound, type AppError } from '../core/errors';
import { customIssue, fieldError, userError } from '../i18n';
import { parseInput } from '../core/validate';
import { writeAudit, type Actor } from '../db/audit';
import { daysBetween, isDay, type Day } from './dates';
import type { SwapRequestView } from '../cards/swap-request-card';
import type { OncallNowCache } from './now-cache';
import { loadRequestView } from './swap-notices';
import { nextHandoffAt, rosterDayAt, shiftStartsAt } from './shifts';
import { loadGroup, type OncallGroup } from './store';
import {
  applyRequest, fromRequestRow, holdersOf, insertRequest, loadRequest, SWAP_REQUEST_STATES,
  type SwapRequest, type SwapRequestChange, type SwapRequestState,
} from './swap-request-rows';

export type { SwapRequest, SwapRequestChange, SwapRequestState } from './swap-request-rows';

/** A request covers at most this many days: a month of one person's shifts. */
export const MAX_REQUEST_DAYS = 31;

const AUDIT_ACTION = { accepted: 'accept', declined: 'decline', cancelled: 'cancel', forced: 'force' } as const;

/** Who asks or decides: a promduty user, and whether they are an admin (the API token is one). */
export interface Requester {
  userId: number | null;
  admin: boolean;
  actor: Actor;
}

const day = z.string().refine(isDay, customIssue('oncallErr.mustBeDay'));
const userId = z.number().int().positive('must be a user id');

export const swapRequestCreateSchema = z
  .object({
    firstDay: day,
    /** Defaults to firstDay. */
    lastDay: day.optional(),
    /** null: an offer to the whole group ("take my shift"), taken by the first member who accepts. */
    toUserId: userId.nullable(),
    /** Admins only: applied at once, recorded as forced. */
    force: z.boolean().optional(),
  })
  .strict();

export const swapRequestListSchema = z
  .object({ state: z.enum(SWAP_REQUEST_STATES).optional(), from: day.optional(), to: day.optional() })
  .strict();

/**
 * Swap requests: a shift changes hands only when the person asked accepts (or an admin
 * forces it, recorded as such). Rules:
 * - the days are today or later in the group's zone and held by one person (or nobody);
 * - without the admin role a person may give away only their own shift, or take a free one
 *   (asking for themselves a day nobody holds, which needs nobody's consent and applies at once);
 * - the person asked is a current member; an offer (toUserId null) goes to every member but
 *   the holder, and the first who accepts takes it; only the person asked accepts or declines
 *   a personal request; the requester or an admin cancels it;
 * - a pending request expires at the first day's shift start (for the shift running now: at
 *   its end); one pending request per day of a group at a time.
 * Every decision locks the group row and then the request row and changes the state only
 * from 'pending' (a conditional update), so two people accepting one offer at once end with
 * one taker and one refusal. Notices follow each commit through `afterChange`.
 */
export class SwapRequestService {
  constructor(
    private readonly db: Knex,
    private readonly cache: OncallNowCache,
    private readonly clock: Clock,
    /** After the commit: tell the people concerned (a job in production). */
    private readonly afterChange: (change: SwapRequestChange) => Promise<void>,
  ) {}

  async list(groupId: number, query: Record<string, string> = {}): Promise<SwapRequest[]> {
    const q = parseInput(swapRequestListSchema, query, 'query');
    await loadGroup(this.db, groupId);
    const rows = await this.db('oncall_swap_requests')
      .where('group_id', groupId)
      .modify((b) => {
        if (q.state) b.where('state', q.state);
        if (q.from) b.where('last_day', '>=', q.from);
        if (q.to) b.where('first_day', '<=', q.to);
      })
      .orderBy(['first_day', 'id'])
      .limit(500);
    return rows.map(fromRequestRow);
  }

  /** The request as its cards show it. */
  async view(r: SwapRequest): Promise<SwapRequestView> {
    return (await loadRequestView(this.db, r)).view;
  }

  async get(id: number): Promise<SwapRequest> {
    const r = await loadRequest(this.db, id);
    if (!r) throw notFound('swap request', id);
    return r;
  }

  async create(groupId: number, input: unknown, by: Requester): Promise<SwapRequest> {
    const s = parseInput(swapRequestCreateSchema, input, 'swap request');
    const lastDay = s.lastDay ?? s.firstDay;
    const span = daysBetween(s.firstDay, lastDay) + 1;
    if (span < 1) throw fieldError('lastDay', 'swapErr.lastBeforeFirst', { first: s.firstDay });
    if (span > MAX_REQUEST_DAYS) throw fieldError('lastDay', 'swapErr.tooManyDays', { span, max: MAX_REQUEST_DAYS });
    if (s.force && !by.admin) throw userError('forbidden', 'swapErr.forceAdmin');
    const now = this.clock.now();
    const created = await this.db.transaction(async (trx) => {
      const group = await loadGroup(trx, groupId, true);
      const today = rosterDayAt(group, now);
      if (s.firstDay < today)
        throw fieldError('firstDay', 'swapErr.pastDay', { day: s.firstDay, zone: group.timezone, today });
      const { holders, single } = await holdersOf(trx, group, s.firstDay, lastDay, today);
      if (single === undefined) throw fieldError('lastDay', 'swapErr.manyHolders', { holders: holders.length });
      const fromUserId = single;
      const to = s.toUserId;
      if (to !== null && !group.members.includes(to)) throw fieldError('toUserId', 'swapErr.notMember', { user: to, group: group.name });
      if (to !== null && to === fromUserId) throw userError({ code: 'conflict', details: { field: 'toUserId' } }, 'swapErr.alreadyOnCall', { user: to, group: group.name });
      if (to === null && s.force) throw fieldError('toUserId', 'swapErr.offerNotForced');
      if (to === null && !group.members.some((m) => m !== fromUserId)) throw fieldError('toUserId', 'swapErr.nobodyToOffer', { group: group.name });
      if (!by.admin) this.checkOwnership(by, fromUserId, to);
      await this.refuseOverlap(trx, group, s.firstDay, lastDay);
      // Taking a free shift for oneself needs nobody's consent; someone's shift needs theirs.
      const selfTake = to !== null && to === by.userId;
      if (selfTake && fromUserId !== null && !s.force)
        throw fieldError('toUserId', 'swapErr.takeNeedsConsent');
      const state: SwapRequestState = s.force ? 'forced' : selfTake ? 'accepted' : 'pending';
      const start = shiftStartsAt(group, s.firstDay);
      const request = await insertRequest(
        trx,
        {
          groupId, firstDay: s.firstDay, lastDay, fromUserId, toUserId: to, requestedBy: by.userId, state,
          expiresAt: start > now ? start : nextHandoffAt(group, now),
          decidedBy: state === 'pending' ? null : by.userId,
          decidedAt: state === 'pending' ? null : now,
        },
        now,
      );
      if (state !== 'pending') await applyRequest(trx, group, request, to!, today, now);
      await writeAudit(trx, by.actor, { action: 'create', entity: 'oncall_swap_request', entityId: request.id, after: request });
      return request;
    });
    return this.changed(created);
  }

  /** The person asked (for an offer: any member but the holder) takes the days. */
  accept(id: number, by: Requester): Promise<SwapRequest> {
    return this.decide(id, by, 'accepted', (r, group) => {
      if (r.toUserId !== null) {
        if (by.userId !== r.toUserId) throw userError('forbidden', 'swapErr.addressedToOther');
      } else if (by.userId === null || !group.members.includes(by.userId) || by.userId === r.fromUserId) {
        throw userError('forbidden', 'swapErr.takeMembersOnly', { group: group.name });
      }
      return by.userId;
    });
  }

  decline(id: number, by: Requester): Promise<SwapRequest> {
    return this.decide(id, by, 'declined', (r) => {
      if (r.toUserId === null) throw userError('conflict', 'swapErr.offerNotDeclined');
      if (by.userId !== r.toUserId) throw userError('forbidden', 'swapErr.addressedToOther');
      return null;
    });
  }

  cancel(id: number, by: Requester): Promise<SwapRequest> {
    return this.decide(id, by, 'cancelled', (r) => {
      if (!by.admin && by.userId !== r.requestedBy) throw userError('forbidden', 'swapErr.cancelOwnOnly');
      return null;
    });
  }

  force(id: number, by: Requester): Promise<SwapRequest> {
    return this.decide(id, by, 'forced', (r) => {
      if (!by.admin) throw userError('forbidden', 'swapErr.forceAdminOnly');
      if (r.toUserId === null) throw userError('conflict', 'swapErr.offerNotForceable');
      return r.toUserId;
    });
  }

  /** Marks every pending request whose deadline passed as expired; returns them. Safe to run anywhere, any number of times. */
  async expireDue(): Promise<SwapRequest[]> {
    const now = this.clock.now();
    const due = await this.db('oncall_swap_requests').where('state', 'pending').where('expires_at', '<=', now).orderBy('id').limit(500).select('id');
    const expired: SwapRequest[] = [];
    for (const { id } of due) {
      const n = await this.db('oncall_swap_requests').where({ id, state: 'pending' }).update({ state: 'expired', decided_at: now });
      if (n === 1) expired.push(await this.changed((await loadRequest(this.db, id))!));
    }
    return expired;
  }

  private checkOwnership(by: Requester, fromUserId: number | null, to: number | null): void {
    if (fromUserId !== null && fromUserId === by.userId) return;
    if (fromUserId === null && to !== null && to === by.userId) return;
    throw userError('forbidden', fromUserId === null ? 'swapErr.freeShiftAdminOnly' : 'swapErr.ownShiftOnly');
  }

  private async refuseOverlap(trx: Knex.Transaction, group: OncallGroup, first: Day, last: Day): Promise<void> {
    const open = await trx('oncall_swap_requests')
      .where({ group_id: group.id, state: 'pending' })
      .where('first_day', '<=', last)
      .where('last_day', '>=', first)
      .first('id');
    if (open) throw userError({ code: 'conflict', details: { requestId: open.id } }, 'swapErr.stillPending', { id: open.id });
  }

  /**
   * Moves a pending request to `state`. `check` authorizes and returns who takes the days
   * (null: the roster does not change). An expired request is marked so, and refused.
   */
  private async decide(
    id: number,
    by: Requester,
    state: Exclude<SwapRequestState, 'pending' | 'expired'>,
    check: (r: SwapRequest, group: OncallGroup) => number | null,
  ): Promise<SwapRequest> {
    const now = this.clock.now();
    const refused: { error?: AppError } = {};
    const result = await this.db.transaction(async (trx) => {
      const first = await loadRequest(trx, id);
      if (!first) throw notFound('swap request', id);
      // The group first, as every roster change does, then the request.
      const group = await loadGroup(trx, first.groupId, true);
      const r = (await loadRequest(trx, id, true))!;
      if (r.state !== 'pending') throw userError({ code: 'conflict', details: { state: r.state } }, `swapErr.already.${r.state}`, { id });
      if (r.expiresAt.getTime() <= now.getTime()) {
        await trx('oncall_swap_requests').where({ id, state: 'pending' }).update({ state: 'expired', decided_at: now });
        refused.error = userError({ code: 'conflict', details: { state: 'expired' } }, 'swapErr.expiredAtStart', { id });
        return { request: (await loadRequest(trx, id))!, changed: true };
      }
      const taker = check(r, group);
      const n = await trx('oncall_swap_requests').where({ id, state: 'pending' }).update({ state, decided_by: by.userId, decided_at: now });
      if (n !== 1) throw userError('conflict', 'swapErr.decidedMeanwhile', { id });
      const decided = (await loadRequest(trx, id))!;
      if (taker !== null) await applyRequest(trx, group, decided, taker, rosterDayAt(group, now), now);
      await writeAudit(trx, by.actor, { action: AUDIT_ACTION[state], entity: 'oncall_swap_request', entityId: id, before: r, after: decided });
      return { request: decided, changed: true };
    });
    await this.changed(result.request);
    if (refused.error) throw refused.error;
    return result.request;
  }

  private async changed(r: SwapRequest): Promise<SwapRequest> {
    if (r.state === 'accepted' || r.state === 'forced') await this.cache.drop(r.groupId);
    await this.afterChange({ requestId: r.id, state: r.state });
    return r;
  }
}
