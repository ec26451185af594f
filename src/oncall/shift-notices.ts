import type { Knex } from 'knex';
import { shiftNoticeCard } from '../cards/shift-notice-card';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Locale } from '../i18n';
import { isPermanentSendFailure, type CardSender } from '../core/ports';
import { addDays, type Day } from './dates';
import { noticesDue, shiftRuns, type DueNotice } from './shift-runs';
import { rosterDayAt } from './shifts';
import { loadGroups, peopleById, planRoster, type OncallGroup } from './store';

/** A run's end is looked for this far past the lead time ("on call from … to …"). */
const END_HORIZON_DAYS = 62;
/** A claim not marked sent after this long belongs to a worker that died: another may take it. */
const STALE_CLAIM_MS = 5 * 60_000;

export interface NoticeSent {
  groupId: number;
  day: Day;
  userId: number;
  kind: DueNotice['kind'];
  messageId: string | null;
}

/**
 * The private shift notices, run by a repeatable job every minute: "you're on call from … to
 * …" `noticeLeadMinutes` before a shift (per group, default 12 h) and again when it begins.
 * Exactly once per group, shift (its first day), person and kind, across restarts and any
 * number of workers: a row in oncall_notices is claimed (unique key) before sending and
 * marked sent after; the send's uuid is deterministic, so a claim taken over from a worker
 * that died cannot post twice either. A retryable Feishu failure releases the claim for the
 * next run.
 */
export class ShiftNoticeService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly sender: CardSender,
    private readonly logger: Logger,
    private readonly locale: Locale,
  ) {}

  async run(): Promise<NoticeSent[]> {
    const now = this.clock.now();
    const sent: NoticeSent[] = [];
    const failures: unknown[] = [];
    for (const group of await loadGroups(this.db)) {
      if (!group.members.length) continue;
      try {
        for (const due of await this.dueIn(group, now)) {
          const done = await this.notify(group, due, now);
          if (done) sent.push(done);
        }
      } catch (e) {
        this.logger.warn({ err: e, groupId: group.id }, 'shift notices failed; will retry');
        failures.push(e);
      }
    }
    if (failures.length) throw failures[0];
    return sent;
  }

  private async dueIn(group: OncallGroup, now: Date): Promise<DueNotice[]> {
    const today = rosterDayAt(group, now);
    const leadDays = Math.ceil(group.noticeLeadMinutes / 1440) + 1;
    const plan = await planRoster(this.db, group, addDays(today, -1), addDays(today, leadDays + END_HORIZON_DAYS), today);
    return noticesDue(group, shiftRuns(group, plan), now, group.noticeLeadMinutes * 60_000);
  }

  private async notify(group: OncallGroup, due: DueNotice, now: Date): Promise<NoticeSent | null> {
    const { run, kind } = due;
    const key = { group_id: group.id, day: run.firstDay, user_id: run.userId, kind };
    if (!(await this.claim(key, now))) return null;
    const people = await peopleById(this.db, [run.userId]);
    const previous = kind === 'handoff' ? await this.previousHolder(group, run.firstDay) : null;
    const openId = people.get(run.userId)?.openId;
    let messageId: string | null = null;
    if (openId) {
      const card = shiftNoticeCard({ kind, groupName: group.name, startsAt: run.startsAt, endsAt: run.endsAt, timezone: group.timezone, previous, swapped: run.swapped, locale: this.locale });
      try {
        messageId = (await this.sender.sendToUser(openId, card, `shift-${kind}-${group.id}-${run.firstDay}-${run.userId}`))?.messageId ?? null;
      } catch (e) {
        if (!isPermanentSendFailure(e)) {
          await this.db('oncall_notices').where(key).whereNull('sent_at').delete();
          throw e;
        }
        this.logger.warn({ err: e, ...key }, 'Feishu refused a shift notice; not retrying');
      }
    }
    await this.db('oncall_notices').where(key).update({ sent_at: this.clock.now(), message_id: messageId });
    return { groupId: group.id, day: run.firstDay, userId: run.userId, kind, messageId };
  }

  /** True when this worker owns the notice: a new claim, or a stale one taken over. */
  private async claim(key: Record<string, unknown>, now: Date): Promise<boolean> {
    const [id] = await this.db('oncall_notices').insert({ ...key, claimed_at: now }).onConflict(['group_id', 'day', 'user_id', 'kind']).ignore();
    if (id) return true;
    const taken = await this.db('oncall_notices')
      .where(key)
      .whereNull('sent_at')
      .where('claimed_at', '<', new Date(now.getTime() - STALE_CLAIM_MS))
      .update({ claimed_at: now });
    return taken === 1;
  }

  private async previousHolder(group: OncallGroup, firstDay: Day) {
    const today = rosterDayAt(group, this.clock.now());
    const [before] = await planRoster(this.db, group, addDays(firstDay, -1), addDays(firstDay, -1), today);
    if (!before?.userId) return null;
    const p = (await peopleById(this.db, [before.userId])).get(before.userId);
    return p ? { name: p.name, openId: p.openId } : null;
  }
}
