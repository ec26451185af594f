import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { toJson } from '../db/knex';
import { groupEscalationCardUuid, groupEscalationNoticeUuid, nextStep, scheduleStep } from './escalation-steps';
import type { PageChannel } from '../paging/model';
import type { Paging } from '../paging/paging';
import type { AlertJobs, EscalationStep, EscalationUser } from './jobs';
import { messagesOfEvents, RC, rowsOfEvents, writePending } from './outbox';
import { isPending, pendingMessageId, uuidOfPending } from './outbox-keys';

export interface GroupEscalationDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  jobs: Pick<AlertJobs, 'send' | 'reply' | 'patch' | 'escalate' | 'remind'>;
  /** settings.alerts.escalationMinuteMs */
  minuteMs: number;
  /** Buzzes on the level's cards, by the level's channel: one per person, group and level. */
  paging: Pick<Paging, 'planEscalationCards'>;
}

/** A level of a group's escalation, as recorded: who it reached and where its cards are. */
export interface GroupLevel {
  groupId: number;
  /** The group's lead event: its outbox rows carry the group's cards. */
  leadEventId: number;
  sendGroupId: number;
  level: number;
  escalationId: string;
  users: EscalationUser[];
}

/**
 * Records one escalation level of a group inside the caller's transaction (the group row
 * locked): the level, a timeline row, and one pending escalation card per user of the level
 * (on the lead event, so later alerts of the group ride along on the same card).
 */
export async function recordGroupLevel(trx: Knex.Transaction, l: GroupLevel, actor: string, actorUserId: number | null, at: Date): Promise<void> {
  await trx('alert_groups').where({ id: l.groupId }).update({ escalation_level: l.level, escalation_id: l.escalationId, updated_at: at });
  const rows = l.users
    .flatMap((u) => (u.openId ? [u.openId] : []))
    .map((openId) => ({ eventId: l.leadEventId, channel: 'escalation' as const, receiveId: openId, messageId: pendingMessageId(l.sendGroupId, groupEscalationCardUuid(l.groupId, l, openId)) }));
  await writePending(trx, rows, at);
  await trx('alert_group_timeline').insert({
    group_id: l.groupId,
    kind: 'escalated',
    actor,
    actor_user_id: actorUserId,
    detail: toJson({ level: l.level, users: l.users.map((u) => ({ id: u.id, name: u.name })) }),
    at,
  });
}

/**
 * Plans the buzzes on a group level's cards (recordGroupLevel's), by the level's channel,
 * in the same transaction: whether the timer or a person ("escalate now") reached the level.
 * One per person, group and level.
 */
export async function planGroupLevelBuzzes(paging: Pick<Paging, 'planEscalationCards'>, trx: Knex.Transaction, l: GroupLevel, channel: PageChannel): Promise<void> {
  const severity = (await trx('alert_events').where({ id: l.leadEventId }).first('severity'))?.severity ?? null;
  const cards = l.users.flatMap((u) => (u.openId ? [{ uuid: groupEscalationCardUuid(l.groupId, l, u.openId), openId: u.openId, eventIds: [l.leadEventId] }] : []));
  await paging.planEscalationCards(trx, `grp${l.groupId}:l${l.level}`, channel, cards, () => severity);
}

/**
 * Delivers an escalation level of a group, after `recordGroupLevel` committed: one card to
 * each user of the level, one notice in the group chat, every copy of the group's cards
 * re-rendered. Everything is keyed by group, level and escalation id, so running it again
 * sends nothing twice. The one place a group's escalation reaches people: paging (buzz,
 * SMS, phone per level) belongs here too.
 */
export async function deliverGroupLevel(jobs: Pick<AlertJobs, 'send' | 'reply' | 'patch'>, db: Knex, l: GroupLevel): Promise<void> {
  const pending = (await rowsOfEvents(db, [l.leadEventId])).filter((r) => r.channel === 'escalation' && isPending(r.messageId));
  const sends = pending.map((r) => ({ uuid: uuidOfPending(r.messageId!), sendGroupId: l.sendGroupId, recipient: r.receiveId }));
  await jobs.send([...new Map(sends.map((m) => [m.uuid, m])).values()]);
  await jobs.reply([{ kind: 'group-escalated', uuid: groupEscalationNoticeUuid(l.groupId, l), groupId: l.groupId, level: l.level, users: l.users }]);
  await jobs.patch(await messagesOfEvents(db, [l.leadEventId]));
}

export type GroupEscalationOutcome = 'escalated' | 'resumed' | 'stale';

/** A group's escalation timer: the level applies while the group fires unacknowledged and unsilenced. */
export class GroupEscalation {
  constructor(private readonly d: GroupEscalationDeps) {}

  async fire(step: EscalationStep & { groupId: number }): Promise<GroupEscalationOutcome> {
    const now = this.d.clock.now();
    const users = step.levels[step.level - 1]?.users ?? [];
    const level: GroupLevel = { groupId: step.groupId, leadEventId: step.eventId, sendGroupId: step.sendGroupId, level: step.level, escalationId: step.escalationId, users };
    const outcome = await this.d.db.transaction(async (trx): Promise<GroupEscalationOutcome> => {
      const g = await trx('alert_groups').where({ id: step.groupId }).forUpdate().first();
      const active =
        g &&
        g.status === 'firing' &&
        g.acknowledged_by === null &&
        g.escalation_id === step.escalationId &&
        !(g.silenced_until && (g.silenced_until as Date).getTime() > now.getTime());
      if (!active) return 'stale';
      if (g.escalation_level === step.level) return 'resumed';
      if (g.escalation_level !== step.level - 1) return 'stale';
      const leadEventId = g.lead_event_id ?? step.eventId;
      await recordGroupLevel(trx, { ...level, leadEventId }, 'promduty', null, now);
      await planGroupLevelBuzzes(this.d.paging, trx, { ...level, leadEventId }, step.levels[step.level - 1]?.channel ?? 'chat');
      return 'escalated';
    }, RC);
    this.d.metrics.escalations.inc({ outcome: outcome === 'stale' ? 'stale' : 'escalated' });
    if (outcome === 'stale') return outcome;
    await deliverGroupLevel(this.d.jobs, this.d.db, level);
    const next = nextStep(step, this.d.minuteMs);
    if (next) await scheduleStep(this.d.jobs, next, now.getTime(), this.d.minuteMs);
    if (outcome === 'escalated') this.d.logger.info({ groupId: step.groupId, level: step.level, users: users.map((u) => u.name) }, 'alert group escalated');
    return outcome;
  }
}
