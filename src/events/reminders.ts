import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { CardSender } from '../core/ports';
import { clip } from '../core/text';
import { t, type Locale } from '../i18n';
import { fromJson, toJson } from '../db/knex';
import { reminderUuid } from './escalation-steps';
import type { EscalationStep } from './jobs';
import { rowsOfEvents } from './outbox';
import { feishuMessageId, isPending, type OutboxRow } from './outbox-keys';

export interface ReminderDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  sender: CardSender;
  /** settings.alerts.escalationMinuteMs */
  minuteMs: number;
  /** The bot's language (settings.locale). */
  locale: Locale;
}

export type ReminderOutcome = 'reminded' | 'stale';

/** Whole minutes, at least 1 (a reminder never says "in 0 min"). */
const minutes = (ms: number, minuteMs: number): number => Math.max(1, Math.round(ms / minuteMs));

/** "unacknowledged for 10 min; escalating to Carol in 5 min" in `locale`, pure. */
export function reminderText(locale: Locale, r: { eventId: number; alertname: string; target: string | null; forMin: number; inMin: number; to: string[] }): string {
  const what = `#${r.eventId} ${clip(r.alertname, 80)}${r.target ? ` · ${clip(r.target, 80)}` : ''}`;
  const to = r.to.length ? r.to.join(', ') : t(locale, 'paging.reminder.nextLevel');
  return t(locale, 'paging.reminder', { what, to, forMin: r.forMin, inMin: r.inMin });
}

/**
 * The reminder before an escalation level (its timer: `scheduleStep`): the event's current
 * owners — who was messaged privately for level 1, the previous level's users after that —
 * get a reply under their own card saying how long it has waited and who gets it next and
 * when. Nothing when it was acknowledged, silenced or resolved meanwhile, or already escalated
 * past the level before. When nobody holds it privately, the reply goes under the group card.
 */
export class ReminderService {
  constructor(private readonly d: ReminderDeps) {}

  async remind(step: EscalationStep): Promise<ReminderOutcome> {
    const now = this.d.clock.now();
    const e = await this.d.db('alert_events').where({ id: step.eventId }).first();
    // A group's escalation (wt/inc-groups) lives on its group row; an alert's on the event.
    const holder = step.groupId ? await this.d.db('alert_groups').where({ id: step.groupId }).first() : e;
    const silenced = holder?.silenced_until && (holder.silenced_until as Date).getTime() > now.getTime();
    const unacknowledged = step.groupId ? holder?.acknowledged_by === null : holder?.claimed_by === null;
    const active = e && holder && holder.status === 'firing' && unacknowledged && !silenced && holder.escalation_id === step.escalationId && holder.escalation_level === step.level - 1;
    if (!active) return 'stale';
    const targets = this.owners(step, await rowsOfEvents(this.d.db, [step.eventId]));
    // The owner's card is still on its way: remind under it in a moment (the job's retry), not in the group.
    if (targets === null) throw new Error(`reminder for event ${step.eventId} level ${step.level}: the owners' cards are not sent yet`);
    const level = step.levels[step.level - 1];
    const origin = step.dueAt - (level?.afterMinutes ?? 0) * this.d.minuteMs;
    const text = reminderText(this.d.locale, {
      eventId: e.id,
      alertname: e.alertname,
      target: fromJson<Record<string, string>>(e.labels, {}).instance ?? null,
      forMin: minutes(now.getTime() - origin, this.d.minuteMs),
      inMin: minutes(step.dueAt - now.getTime(), this.d.minuteMs),
      to: (level?.users ?? []).map((u) => u.name),
    });
    for (const messageId of targets) await this.d.sender.reply(messageId, { text }, reminderUuid(step, messageId));
    if (!targets.length) return 'stale';
    const done = await this.d.db('event_timeline').where({ event_id: e.id, kind: 'reminded' }).whereRaw("JSON_EXTRACT(detail, '$.level') = ?", [step.level]).first('id');
    if (!done) {
      await this.d.db('event_timeline').insert({ event_id: e.id, kind: 'reminded', actor: 'promduty', detail: toJson({ level: step.level, messages: targets.length, dueAt: new Date(step.dueAt) }), at: now });
    }
    this.d.logger.info({ eventId: e.id, level: step.level, owners: targets.length }, 'escalation reminder sent');
    return 'reminded';
  }

  /**
   * The sent cards of the current owners: private copies (level 1) or the previous level's
   * escalation cards; the group card when there are none; null while one is still pending.
   */
  private owners(step: EscalationStep, rows: OutboxRow[]): string[] | null {
    const previous = new Set((step.levels[step.level - 2]?.users ?? []).flatMap((u) => (u.openId ? [u.openId] : [])));
    const mine = rows.filter((r) => (step.level === 1 ? r.channel === 'private' : r.channel === 'escalation' && previous.has(r.receiveId)));
    if (mine.some((r) => isPending(r.messageId))) return null;
    const held = (list: OutboxRow[]) => [...new Set(list.flatMap((r) => feishuMessageId(r.messageId) ?? []))];
    const own = held(mine);
    return own.length ? own : held(rows.filter((r) => r.channel === 'group'));
  }
}
