import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { handoffCard } from '../cards/handoff-card';
import type { Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Locale } from '../i18n';
import { isPermanentSendFailure, type CardSender } from '../core/ports';
import { addDays, rosterDayAt, shiftStartsAt, type Day } from './roster';
import type { OncallService } from './roster-service';
import { dayOf, loadGroup, loadGroups, planRoster, sourceOf, type OncallGroup } from './store';

/** After a longer outage only this many days are filled in; older gaps stay gaps. */
export const MAX_BACKFILL_DAYS = 366;

/** Feishu's idempotency key for a day's announcement (≤ 50 characters). */
export const handoffUuid = (groupId: number, day: Day): string => `handoff-${groupId}-${day}`;

const announcedKey = (groupId: number, day: Day): string => `oncall:announced:${groupId}:${day}`;
const ANNOUNCED_TTL_S = 3 * 86_400;

export interface HandoffRun {
  /** History rows written, per group (backfilled days first, then today). */
  recorded: { groupId: number; days: Day[] }[];
  /** Handoffs announced (messageId null: no chat, nobody on call, Feishu off, or refused for good). */
  announced: { groupId: number; day: Day; messageId: string | null }[];
}

/**
 * The daily handoff of every group, run by a repeatable job once a minute. A group is due
 * once its current roster day (rosterDayAt(group, now)) has no history row: then every day
 * from the last recorded one up to today is recorded in one transaction (missed days as
 * 'backfill', swapped days as 'swap') and today's handoff is announced in the group's chat.
 *
 * Idempotent by construction: history has one row per (group, day) and the sweep only
 * fills what is missing; an announcement is marked done in Redis after it is sent, and its
 * deterministic uuid makes Feishu drop a repeat from a retry or a concurrent worker. Only
 * the current day is ever announced (backfilled days are history, not news).
 */
export class HandoffService {
  constructor(
    private readonly db: Knex,
    private readonly redis: Redis,
    private readonly clock: Clock,
    private readonly oncall: OncallService,
    private readonly sender: CardSender,
    private readonly logger: Logger,
    private readonly locale: Locale,
  ) {}

  /** Throws (so the job retries) after doing all it could when any group failed for a reason worth retrying. */
  async run(): Promise<HandoffRun> {
    const now = this.clock.now();
    const groups = await loadGroups(this.db);
    const lastDays = await this.lastDays();
    const failures: unknown[] = [];
    const out: HandoffRun = { recorded: [], announced: [] };
    for (const g of groups) {
      const last = lastDays.get(g.id);
      if (last !== undefined && last >= rosterDayAt(g, now)) continue;
      try {
        const days = await this.record(g.id, now);
        if (days.length) out.recorded.push({ groupId: g.id, days });
      } catch (e) {
        if (isAppError(e) && e.code === 'not_found') continue; // deleted since the list was read
        this.logger.error({ err: e, groupId: g.id }, 'recording on-call history failed');
        failures.push(e);
      }
    }
    for (const [g, day] of await this.unannounced(groups, now)) {
      try {
        out.announced.push({ groupId: g.id, day, messageId: await this.announce(g, day) });
      } catch (e) {
        this.logger.warn({ err: e, groupId: g.id, day }, 'handoff announcement failed; will retry');
        failures.push(e);
      }
    }
    if (failures.length) throw failures[0];
    return out;
  }

  private async lastDays(): Promise<Map<number, Day>> {
    const rows = await this.db('oncall_history').groupBy('group_id').select('group_id').max({ last: 'day' });
    return new Map(rows.map((r: any) => [r.group_id, dayOf(r.last)]));
  }

  /** Fills history from the day after the last recorded one (or today, for a new group) up to today. */
  private async record(groupId: number, now: Date): Promise<Day[]> {
    return this.db.transaction(async (trx) => {
      const group = await loadGroup(trx, groupId, true);
      const today = rosterDayAt(group, now);
      const { last } = (await trx('oncall_history').where('group_id', groupId).max({ last: 'day' }).first()) ?? {};
      const earliest = addDays(today, 1 - MAX_BACKFILL_DAYS);
      const next = last ? addDays(dayOf(last), 1) : today;
      const from = next < earliest ? earliest : next;
      if (from > today) return [];
      const rows = (await planRoster(trx, group, from, today, today)).flatMap((d) =>
        d.userId === null ? [] : [{ group_id: groupId, day: d.day, user_id: d.userId, source: sourceOf(d, today), recorded_at: now }],
      );
      if (rows.length) await trx('oncall_history').insert(rows).onConflict(['group_id', 'day']).ignore();
      return rows.map((r) => r.day);
    });
  }

  /** Groups whose current day is recorded but not yet announced. */
  private async unannounced(groups: OncallGroup[], now: Date): Promise<[OncallGroup, Day][]> {
    if (!groups.length) return [];
    const today = new Map(groups.map((g) => [g.id, rosterDayAt(g, now)]));
    const recorded = await this.db('oncall_history')
      .whereIn(['group_id', 'day'], [...today].map(([id, day]) => [id, day]))
      .select('group_id');
    const candidates = groups.filter((g) => recorded.some((r: any) => r.group_id === g.id));
    if (!candidates.length) return [];
    const done = await this.redis.mget(candidates.map((g) => announcedKey(g.id, today.get(g.id)!)));
    return candidates.flatMap((g, i) => (done[i] ? [] : [[g, today.get(g.id)!] as [OncallGroup, Day]]));
  }

  /** Posts the handoff card; a refusal Feishu will repeat (bot not in the chat, …) is logged and given up. */
  private async announce(group: OncallGroup, day: Day): Promise<string | null> {
    const at = shiftStartsAt(group, day);
    const current = await this.oncall.oncallNow(group.id, at);
    let messageId: string | null = null;
    if (current && group.feishuChatId) {
      const next = await this.oncall.nextHandoff(group.id, at);
      const previous = await this.oncall.oncallNow(group.id, new Date(at.getTime() - 1));
      const card = handoffCard({
        groupName: group.name,
        current: { name: current.name, openId: current.openId },
        previous: previous ? { name: previous.name, openId: previous.openId } : null,
        next: next?.person ? { name: next.person.name, openId: next.person.openId } : null,
        nextHandoffAt: next?.at ?? null,
        timezone: group.timezone,
        locale: this.locale,
      });
      try {
        messageId = (await this.sender.sendToChat(group.feishuChatId, card, handoffUuid(group.id, day)))?.messageId ?? null;
      } catch (e) {
        if (!isPermanentSendFailure(e)) throw e;
        this.logger.error({ err: e, groupId: group.id, day, chatId: group.feishuChatId }, 'Feishu refused the handoff announcement; not retrying');
      }
    }
    await this.redis.set(announcedKey(group.id, day), messageId ?? '-', 'EX', ANNOUNCED_TTL_S);
    return messageId;
  }
}
