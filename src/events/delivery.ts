import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { OncallService } from '../oncall/roster-service';
import type { OncallPerson } from '../oncall/store';
import type { AlertDestination } from '../routing/alert-destination';
import { digestLineBytes, isDigestUuid, planDelivery, targetsOf, type Plan, type PlanInput, type Recipients } from './delivery-plan';
import type { Destinations } from './destinations';
import { firstStep, scheduleStep } from './escalation-steps';
import type { Paging } from '../paging/paging';
import type { AlertJobs, ReplyJob } from './jobs';
import { APP_PER_SECOND, PER_RECIPIENT_PER_SECOND } from '../core/feishu-limits';
import { backlogOf, groupsWithPending, liveDigestOf, lockPending, messagesOfEvents, pendingOfGroup, pendingTotal, RC, rowsOfEvents, writePending } from './outbox';
import { pendingMessageId, webhookReceiveId, type PendingSend } from './outbox-keys';

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
  /** Buzzes on the private cards (the send group's paging per severity). */
  paging: Pick<Paging, 'planAlertCards'>;
}

/** Messages queued app-wide (a quarter second of Feishu's 50/s) beyond which rounds wait. */
const QUEUED_MAX = APP_PER_SECOND / 4;
/** A round put off for the app's queue looks again no sooner than this. */
const RECHECK_MS = 100;
/** Events planned per run; more wait for the next run, which is queued at once. */
const BATCH = 1000;
/**
 * After a round that folded (a storm), the group's next round waits this long to fold more:
 * the time a recipient needs between two messages (Feishu: 5 a second each), so a steady
 * stream is on a card within about one such gap. More waiting bought no fewer messages where
 * it counts: the app's 50 a second is held by the QUEUED_MAX check, which puts rounds off (and
 * makes them fold more) whenever the app's queue is full. At 500 ms the wait alone was most
 * of webhook → card p99 at 100 alerts/s (issue 15).
 */
const STORM_ROUND_MS = 1000 / PER_RECIPIENT_PER_SECOND;
/** A group that posted this recently is in a stream of alerts: its rounds fold. */
const RECENT_MS = 1000;
/**
 * A storm digest takes the chat's new groups for this long after it was posted (then, or once
 * it is full, the next round posts a new one): the chat sees each new group within a round
 * on a card that grows, and still gets a new message, which notifies, every half minute of a
 * storm. At 100 new groups a second over 10 send groups, posting a message per round spent
 * Feishu's 1,000 messages a minute in 20 s (issue 15).
 */
const LIVE_DIGEST_MS = 30_000;
/**
 * After a round that added to the chat's live digest, the next round waits this long: each
 * live digest is updated at most about twice a second, so 10 chats in a storm stay within the
 * update API's 1,000 a minute for the first half minute (its burst and pace), instead of
 * queueing updates seconds deep (issue 15: p99 4.1 s with a round every 200 ms). The groups
 * meanwhile wait for the next round, at most this long.
 */
const LIVE_ROUND_MS = 600;
/**
 * A private digest planned while a storm goes on (not its first) waits this long before it is
 * sent, and the groups of the rounds meanwhile join it: one message to the person every two
 * seconds of a storm, not one a round. Per round, 10 people's private digests alone spent
 * Feishu's 1,000 messages a minute (bench part alerts: 560 of 634 messages in 30 s).
 */
const PRIVATE_STORM_DIGEST_MS = 2000;
/**
 * Events per digest card at most, and the bytes their lines may take: the card's header,
 * notes and Claim buttons take about 5 KB of Feishu's 30 KB (src/cards/card.ts keeps 28). Longer
 * names make digests of fewer events; a card that still overflows lists fewer and points to
 * /alerts for the rest (src/cards/digest-card.ts).
 */
const DIGEST_SIZE = 400;
const DIGEST_BYTES = 22_000;

function replyJobOf(r: Plan['replies'][number]): ReplyJob {
  if (r.summary) return { kind: 'resolved-summary', uuid: r.uuid, eventIds: r.eventIds };
  if (r.groupId) return { kind: 'group-resolved', uuid: r.uuid, groupId: r.groupId };
  return { kind: 'resolved', uuid: r.uuid, eventId: r.eventIds[0]! };
}

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
 * run). And while the app as a whole has more than a quarter second of messages queued
 * (Feishu's 50/s per app), rounds are put off until the queue is back to that, so each round
 * folds more and its messages are never far behind; after a round that had to fold, the next
 * waits half a second for the same reason.
 * A storm thus costs a few messages per chat a second, not one per alert queued for minutes.
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
    const pending = await pendingOfGroup(this.d.db, sendGroupId);
    // Whatever waits is queued (its jobs' ids make this a no-op when they are); the round goes
    // on, and its groups join those of the waiting digests (delivery-plan.ts: joinWaiting).
    await this.d.jobs.send(pending);
    if (pending.some((p) => !isDigestUuid(p.uuid))) return { events: 0, messages: 0 };
    const queued = await pendingTotal(this.d.db);
    if (queued - pending.length >= QUEUED_MAX) {
      await this.d.jobs.deliver([sendGroupId], Math.max(RECHECK_MS, Math.ceil(((queued - QUEUED_MAX) / APP_PER_SECOND) * 1000)));
      return { events: 0, messages: 0 };
    }
    const waiting = new Map(pending.map((p) => [p.recipient, { uuid: p.uuid, groups: p.rows }]));
    const { sends, ...planned } = await this.plan(sendGroupId, dest, now, waiting);
    // What was pending before this plan is queued above (the group's runs never overlap;
    // escalation queues its own sends), so what it planned is all there is to send: no second
    // read of the outbox per round (issue 15).
    await this.d.jobs.send(sends);
    if (planned.events === BATCH) await this.d.jobs.deliver([sendGroupId]);
    return planned;
  }

  /**
   * Asks for a delivery of every send group with events waiting to be planned or messages
   * waiting to be sent (the repeatable `delivery-sweep`); returns those groups. A delivery is
   * asked for when alerts are stored and when a group's last pending message went out, and its
   * job retries for a while; one that gives up (MariaDB down longer than its retries) would
   * otherwise leave the group's events without cards until its next alert, however long that is.
   */
  async sweep(): Promise<number[]> {
    const unplanned: number[] = await this.d.db('send_groups')
      .whereExists((q) => q.select(this.d.db.raw('1')).from('alert_events').whereRaw('alert_events.send_group_id = send_groups.id').whereNull('alert_events.last_notified_at'))
      .pluck('id');
    const groups = [...new Set([...unplanned, ...(await groupsWithPending(this.d.db))])];
    await this.d.jobs.deliver(groups);
    return groups;
  }

  /**
   * Reads without locking (processing keeps writing events meanwhile) and marks an event
   * notified only if it did not change since it was read; one that did (resolved in
   * between, say) stays waiting and the next run plans what is left to say about it.
   */
  private async plan(sendGroupId: number, dest: AlertDestination, now: Date, waiting: PlanInput['waiting']): Promise<{ events: number; messages: number; sends: PendingSend[] }> {
    const events = await this.d.db('alert_events as e')
      .leftJoin('alert_groups as g', 'g.id', 'e.group_id')
      .where({ 'e.send_group_id': sendGroupId })
      .whereNull('e.last_notified_at')
      .orderBy('e.id')
      .limit(BATCH)
      .select('e.id', 'e.status', 'e.repeat_count', 'e.updated_at', 'e.alertname', 'e.severity', 'e.group_id', 'g.lead_event_id', 'g.first_seen_at as group_first_seen_at', 'g.escalation_id as group_escalation_id')
      .select(this.d.db.raw("g.open_key IS NULL AS group_closed"))
      .select(this.d.db.raw("JSON_UNQUOTE(JSON_EXTRACT(e.labels, '$.instance')) AS instance"));
    if (!events.length) return { events: 0, messages: 0, sends: [] };
    const recipients = recipientsOf(dest, await this.oncallOf(dest, now));
    const live = recipients.group ? await liveDigestOf(this.d.db, sendGroupId, recipients.group, new Date(now.getTime() - LIVE_DIGEST_MS)) : null;
    const last = (await this.d.db('alert_events').where({ send_group_id: sendGroupId }).max({ at: 'last_notified_at' }).first())?.at as Date | null;
    const recentRound = last != null && now.getTime() - last.getTime() < RECENT_MS;
    const plan = planDelivery({
      sendGroupId,
      recentRound,
      events: events.map((e: any) => ({
        id: e.id,
        lineBytes: digestLineBytes(e.alertname, e.instance ?? '', e.severity ?? ''),
        status: e.status,
        repeatCount: e.repeat_count,
        groupId: e.group_id,
        leadId: e.lead_event_id,
        groupClosed: Boolean(e.group_closed),
        groupEscalates: e.group_escalation_id !== null,
      })),
      rows: await rowsOfEvents(this.d.db, [...new Set(events.map((e: any) => e.lead_event_id ?? e.id))]),
      recipients,
      sendResolved: dest.sendResolved,
      backlog: await backlogOf(this.d.db, targetsOf(recipients).map(([, id]) => id)),
      threshold: this.d.threshold,
      digestSize: this.d.digestSize ?? DIGEST_SIZE,
      digestBytes: DIGEST_BYTES,
      live: live ? new Map([[recipients.group!, live]]) : undefined,
      waiting,
    });
    const severity = new Map<number, string | null>(events.map((e: any) => [e.id, e.severity ?? null]));
    const alertGroup = new Map<number, number | null>(events.map((e: any) => [e.id, e.group_id ?? null]));
    const fresh = await this.d.db.transaction(async (trx) => {
      // A waiting digest sent meanwhile cannot take more: plan the round again.
      if (!(await lockPending(trx, plan.joined.map((j) => pendingMessageId(sendGroupId, j.uuid))))) return false;
      await writePending(trx, plan.rows, now);
      const privately = [...plan.messages, ...plan.joined].filter((m) => m.channel === 'private').map((m) => ({ uuid: m.uuid, openId: m.receiveId, eventIds: m.eventIds }));
      // The storm guard: a group's card once per alert group; a digest, whichever groups it
      // lists, once per send group. (Under its first group, always a new one, every digest of
      // a storm arriving in rounds buzzed: 10 buzzes in 2 s in the 10,000-alert storm.)
      const digests = new Set([...plan.messages.filter((m) => m.digest), ...plan.joined].map((m) => m.uuid));
      const scopeOf = (m: { uuid: string; eventIds: number[] }) => {
        const group = digests.has(m.uuid) ? null : alertGroup.get(m.eventIds[0]!);
        return group ? `grp${group}` : `sg${sendGroupId}`;
      };
      await this.d.paging.planAlertCards(trx, scopeOf, dest.paging, privately, (id) => severity.get(id) ?? null);
      await trx('alert_events')
        .whereNull('last_notified_at')
        .whereIn(['id', 'updated_at'], events.map((e: any) => [e.id, e.updated_at]))
        .update({ last_notified_at: now });
      // Queued before the commit: each is true and idempotent whether or not this commits
      // (the events already are resolved / escalating), and a crash right after the commit
      // must not lose them. Sends wait for the commit: they read the rows written above.
      await this.d.jobs.reply(plan.replies.map(replyJobOf));
      await this.d.jobs.patch(await messagesOfEvents(trx, plan.refresh));
      await this.d.jobs.patch(plan.appended, 0);
      const started = new Set<number>();
      for (const e of events.filter((x: any) => plan.escalateGroups.includes(x.group_id))) {
        if (started.has(e.group_id)) continue;
        started.add(e.group_id);
        const lead = { eventId: e.lead_event_id ?? e.id, groupId: e.group_id, escalationId: e.group_escalation_id, sendGroupId, firstSeenAt: e.group_first_seen_at };
        const step = firstStep(lead, dest, this.d.escalationMinuteMs);
        if (step) await scheduleStep(this.d.jobs, step, now.getTime(), this.d.escalationMinuteMs);
      }
      return true;
    }, RC);
    if (!fresh) {
      await this.d.jobs.deliver([sendGroupId], 0);
      return { events: 0, messages: 0, sends: [] };
    }
    // Again after the commit: a card update queued above may have run before it, without the
    // groups just added (it folds into the one still waiting otherwise).
    if (plan.appended.length) {
      await this.d.jobs.patch(plan.appended, 0);
      await this.d.jobs.deliver([sendGroupId], LIVE_ROUND_MS);
    } else if (plan.messages.some((m) => m.digest)) await this.d.jobs.deliver([sendGroupId], STORM_ROUND_MS);
    const open = (m: Plan['messages'][number]) => recentRound && m.digest && m.channel === 'private';
    const sends = plan.messages.map((m): PendingSend => ({ uuid: m.uuid, sendGroupId, recipient: m.receiveId, ...(open(m) ? { delayMs: PRIVATE_STORM_DIGEST_MS } : {}) }));
    return { events: events.length, messages: plan.messages.length, sends };
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
