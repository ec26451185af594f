import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { OncallService } from '../oncall/roster-service';
import type { OncallPerson } from '../oncall/store';
import type { AlertDestination } from '../routing/alert-destination';
import { planDelivery, targetsOf, type Recipients } from './delivery-plan';
import type { Destinations } from './destinations';
import { firstStep } from './escalation-steps';
import type { AlertJobs, ReplyJob } from './jobs';
import { backlogOf, messagesOfEvents, pendingUuidsOfGroup, rowsOfEvents, webhookReceiveId, writePending } from './outbox';

export interface DeliveryDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  destinations: Destinations;
  oncall: Pick<OncallService, 'oncallNow'>;
  jobs: AlertJobs;
  /** settings.alerts.digestThreshold */
  threshold: number;
  /** settings.alerts.escalationMinuteMs */
  escalationMinuteMs: number;
  /** Events per digest card (every one is listed by id). */
  digestSize?: number;
}

/** Events planned per run; more wait for the next run, which is queued at once. */
const BATCH = 1000;
/** Fits a card (about 16 KB with typical names) and lists every event by id. */
const DIGEST_SIZE = 100;

export function recipientsOf(dest: AlertDestination, oncall: OncallPerson | null): Recipients {
  const people = [
    ...(dest.notifyOncallPrivate && oncall?.openId ? [oncall.openId] : []),
    ...dest.users.flatMap((u) => u.openId ?? []),
  ];
  return {
    group: dest.feishuChatId,
    private: [...new Set(people)],
    webhook: dest.webhook ? webhookReceiveId(dest.webhook.url) : null,
  };
}

/**
 * The delivery of one send group (design flow 4, after the events are stored): every event
 * waiting for it (`last_notified_at` NULL: new, resolved, re-fired, due for a fresh post) is
 * planned in one transaction: outbox rows for the cards or digests to post, the events
 * marked notified, and the follow-up work queued (resolve replies, card updates, the first
 * escalation level). Then every pending send of the group is queued, including any a crash
 * left behind. Runs of one group never overlap (the queue guarantees it).
 *
 * Back-pressure: while messages of the group are still pending (waiting for a rate limit,
 * Feishu asking to slow down), nothing new is planned: events keep arriving and are planned
 * together, as a digest, once the last pending message went out (its send asks for a new
 * run). A storm thus costs a few messages per chat, not one per alert queued for minutes.
 */
export class DeliveryService {
  constructor(private readonly d: DeliveryDeps) {}

  async deliver(sendGroupId: number): Promise<{ events: number; messages: number }> {
    const { dest } = await this.d.destinations.forGroup(sendGroupId);
    const now = this.d.clock.now();
    if (!dest) {
      // The group is gone and there is no default: nothing will ever send these.
      await this.d.db('alert_events').where({ send_group_id: sendGroupId }).whereNull('last_notified_at').update({ last_notified_at: now });
      return { events: 0, messages: 0 };
    }
    const pending = await pendingUuidsOfGroup(this.d.db, sendGroupId);
    if (pending.length) {
      await this.d.jobs.send(pending);
      return { events: 0, messages: 0 };
    }
    const recipients = recipientsOf(dest, await this.oncallOf(dest, now));
    const planned = await this.d.db.transaction(async (trx) => {
      const events = await trx('alert_events')
        .where({ send_group_id: sendGroupId })
        .whereNull('last_notified_at')
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .select('id', 'status', 'repeat_count', 'escalation_id', 'escalation_level', 'first_seen_at');
      if (!events.length) return { events: 0, messages: 0 };
      const ids: number[] = events.map((e: any) => e.id);
      const plan = planDelivery({
        events: events.map((e: any) => ({ id: e.id, status: e.status, repeatCount: e.repeat_count, escalationId: e.escalation_id, escalationLevel: e.escalation_level })),
        rows: await rowsOfEvents(trx, ids),
        recipients,
        sendResolved: dest.sendResolved,
        backlog: await backlogOf(trx, targetsOf(recipients)),
        threshold: this.d.threshold,
        digestSize: this.d.digestSize ?? DIGEST_SIZE,
      });
      await writePending(trx, plan.rows, now);
      await trx('alert_events').whereIn('id', ids).update({ last_notified_at: now });

      // Queued before the commit: each is true and idempotent whether or not this commits
      // (the events already are resolved / escalating), and a crash right after the commit
      // must not lose them. Sends wait for the commit: they read the rows written above.
      const replies: ReplyJob[] = plan.replies.map((r) =>
        r.summary ? { kind: 'resolved-summary', uuid: r.uuid, eventIds: r.eventIds } : { kind: 'resolved', uuid: r.uuid, eventId: r.eventIds[0]! },
      );
      await this.d.jobs.reply(replies);
      await this.d.jobs.patch(await messagesOfEvents(trx, plan.refresh));
      const firstSeen = new Map<number, Date>(events.map((e: any) => [e.id, e.first_seen_at]));
      for (const eventId of plan.escalate) {
        const e = events.find((x: any) => x.id === eventId);
        const step = firstStep({ eventId, escalationId: e.escalation_id, sendGroupId: dest.sendGroupId, firstSeenAt: firstSeen.get(eventId)! }, dest, this.d.escalationMinuteMs);
        if (step) await this.d.jobs.escalate(step, Math.max(0, step.dueAt - now.getTime()));
      }
      return { events: events.length, messages: plan.messages.length };
    });
    await this.d.jobs.send(await pendingUuidsOfGroup(this.d.db, sendGroupId));
    if (planned.events === BATCH) await this.d.jobs.deliver([sendGroupId]);
    return planned;
  }

  private async oncallOf(dest: AlertDestination, now: Date): Promise<OncallPerson | null> {
    if (dest.oncallGroupId === null) return null;
    try {
      return await this.d.oncall.oncallNow(dest.oncallGroupId, now);
    } catch (e) {
      this.d.logger.warn({ err: e, sendGroupId: dest.sendGroupId }, 'on-call lookup failed; the group chat still gets the card');
      return null;
    }
  }
}
