import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import { toJson, type Db } from '../db/knex';
import { GroupEscalation } from './group-escalation';
import { escalationCardUuid, escalationNoticeUuid, nextStep, scheduleStep } from './escalation-steps';
import type { Paging } from '../paging/paging';
import type { AlertJobs, EscalationStep } from './jobs';
import { messagesOfEvents, RC, rowsOfEvents, writePending } from './outbox';
import { isPending, pendingMessageId, uuidOfPending } from './outbox-keys';

export interface EscalationDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  jobs: AlertJobs;
  /** settings.alerts.escalationMinuteMs */
  minuteMs: number;
  /** Buzzes on the escalation cards, by the level's channel. */
  paging: Pick<Paging, 'planEscalationCards'>;
}

export type EscalationOutcome = 'escalated' | 'resumed' | 'stale';

/**
 * Ends the event's pending escalation: every timer carries the escalation id it belongs to,
 * and one that no longer matches the event's does nothing. Call it inside the transaction
 * that claims, silences or resolves (the row should be locked there). True when one was active.
 */
export async function cancelEscalation(db: Db, eventId: number): Promise<boolean> {
  const n = await db('alert_events').where({ id: eventId }).whereNotNull('escalation_id').update({ escalation_id: null });
  return n > 0;
}

/**
 * Runs one escalation level when its timer fires. The level applies only when the event is
 * still firing, unclaimed, unsilenced, its active escalation is this timer's and the previous
 * level has run; then, in one transaction, the level is recorded with a timeline row and the
 * escalation cards are planned in the outbox. After the commit the cards, the notice in the
 * group chat, the refreshed alert cards and the next level's timer are queued. A timer run
 * again after a crash finds its level recorded and queues those again (each is idempotent).
 */
export class EscalationService {
  private readonly groups: GroupEscalation;

  constructor(private readonly d: EscalationDeps) {
    this.groups = new GroupEscalation(d);
  }

  async fire(step: EscalationStep): Promise<EscalationOutcome> {
    if (step.groupId) return this.groups.fire({ ...step, groupId: step.groupId });
    const now = this.d.clock.now();
    const levelUsers = step.levels[step.level - 1]?.users ?? [];
    const outcome = await this.d.db.transaction(async (trx): Promise<EscalationOutcome> => {
      const e = await trx('alert_events').where({ id: step.eventId }).forUpdate().first();
      const active =
        e &&
        e.status === 'firing' &&
        e.claimed_by === null &&
        e.escalation_id === step.escalationId &&
        !(e.silenced_until && (e.silenced_until as Date).getTime() > now.getTime());
      if (!active) return 'stale';
      if (e.escalation_level === step.level) return 'resumed';
      if (e.escalation_level !== step.level - 1) return 'stale';
      await trx('alert_events').where({ id: e.id }).update({ escalation_level: step.level, updated_at: now });
      const rows = levelUsers
        .flatMap((u) => (u.openId ? [u.openId] : []))
        .map((openId) => ({ eventId: e.id, channel: 'escalation' as const, receiveId: openId, messageId: pendingMessageId(step.sendGroupId, escalationCardUuid(step, openId)) }));
      await writePending(trx, rows, now);
      const cards = levelUsers.flatMap((u) => (u.openId ? [{ uuid: escalationCardUuid(step, u.openId), openId: u.openId, eventIds: [e.id as number] }] : []));
      await this.d.paging.planEscalationCards(trx, `sg${step.sendGroupId}:l${step.level}`, step.levels[step.level - 1]?.channel ?? 'chat', cards, () => e.severity ?? null);
      await trx('event_timeline').insert({
        event_id: e.id,
        kind: 'escalated',
        actor: 'promduty',
        detail: toJson({ level: step.level, users: levelUsers.map((u) => ({ id: u.id, name: u.name })), dueAt: new Date(step.dueAt) }),
        at: now,
      });
      return 'escalated';
    }, RC);
    this.d.metrics.escalations.inc({ outcome: outcome === 'stale' ? 'stale' : 'escalated' });
    if (outcome === 'stale') return outcome;

    const pending = (await rowsOfEvents(this.d.db, [step.eventId])).filter((r) => r.channel === 'escalation' && isPending(r.messageId));
    const sends = pending.map((r) => ({ uuid: uuidOfPending(r.messageId!), sendGroupId: step.sendGroupId, recipient: r.receiveId }));
    await this.d.jobs.send([...new Map(sends.map((m) => [m.uuid, m])).values()]);
    await this.d.jobs.reply([{ kind: 'escalated', uuid: escalationNoticeUuid(step), eventId: step.eventId, level: step.level, users: levelUsers }]);
    await this.d.jobs.patch(await messagesOfEvents(this.d.db, [step.eventId]));
    const next = nextStep(step, this.d.minuteMs);
    if (next) await scheduleStep(this.d.jobs, next, now.getTime(), this.d.minuteMs);
    if (outcome === 'escalated') this.d.logger.info({ eventId: step.eventId, level: step.level, users: levelUsers.map((u) => u.name) }, 'alert escalated');
    return outcome;
  }
}
