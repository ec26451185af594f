import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { notFound, type Say } from '../core/errors';
import { english, fieldError, said, userError } from '../i18n';
import { formatDuration } from '../core/text';
import { writeAudit, type Actor } from '../db/audit';
import { fromJson, toJson } from '../db/knex';
import { equalityMatchers, type Silences } from '../alertmanager/silences';

/** What the group is told after an action, and which events' cards must be re-rendered. */
export interface EventChange {
  kind: 'claimed' | 'unclaimed' | 'silenced' | 'unsilenced';
  /** Every event whose cards show the change. */
  eventIds: number[];
  sendGroupId: number | null;
  /** One plain-text line for the send group's chat (English, for logs). */
  text: string;
  /** The same line in catalogue words, rendered in the bot's language when sent (absent in jobs queued before it). */
  say?: Say;
  /** Unique per change (built from the first timeline row's id): the notice's idempotency key. */
  key: string;
}

export interface EventActionDeps {
  db: Knex;
  clock: Clock;
  silences: Silences;
  /** Runs after the commit: re-render every copy of the cards and tell the group (a job in production). */
  afterChange(change: EventChange): Promise<void>;
}

/** The outcome, for a toast or a chat reply. */
export interface ActionResult {
  eventId: number;
  /** Plain text: "Silenced #42 HighCPU for 1h" (English, for logs and the API). */
  message: string;
  /** The same for people, in catalogue words. */
  say: Say;
}

/** Silences longer than this are config, not on-call work: use a rule change instead. */
export const MAX_SILENCE_MS = 30 * 86_400_000;

interface EventRow {
  id: number;
  alertname: string;
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  sendGroupId: number | null;
  claimedBy: number | null;
  silenceId: string | null;
  silencedUntil: Date | null;
}

const fromRow = (r: any): EventRow => ({
  id: r.id,
  alertname: r.alertname,
  status: r.status,
  labels: fromJson<Record<string, string>>(r.labels, {}),
  sendGroupId: r.send_group_id,
  claimedBy: r.claimed_by,
  silenceId: r.silence_id,
  silencedUntil: r.silenced_until,
});

// English for logs and the API beside the catalogue words people read.
const line = (say: Say) => ({ text: english(say), say });
const result = (say: Say) => ({ message: english(say), say });

const who = (actor: Actor) => ({ actor: actor.name, actor_user_id: actor.userId ?? null });

/**
 * Claim, silence and unsilence (design flow 5). Each locks the event row, checks its state,
 * talks to Alertmanager where needed and only then records: a silence Alertmanager refused
 * leaves the event exactly as it was. Claim and silence clear `escalation_id`, which turns
 * any pending escalation timer into a no-op.
 */
export class EventActions {
  constructor(private readonly d: EventActionDeps) {}

  async claim(eventId: number, actor: Actor): Promise<ActionResult> {
    const { event, timelineId } = await this.d.db.transaction(async (trx) => {
      const e = await this.lock(trx, eventId);
      if (e.status === 'resolved') throw userError('conflict', 'action.alreadyResolved', { id: e.id, alertname: e.alertname });
      if (e.claimedBy !== null) {
        const by = await trx('users').where({ id: e.claimedBy }).first('name');
        throw userError('conflict', 'action.alreadyClaimed', { id: e.id, name: by?.name ?? `user ${e.claimedBy}` });
      }
      const now = this.d.clock.now();
      await trx('alert_events').where({ id: e.id }).update({ claimed_by: actor.userId ?? null, claimed_at: now, escalation_id: null, updated_at: now });
      const id = await this.timeline(trx, e.id, 'claimed', actor, null);
      await writeAudit(trx, actor, { action: 'claim', entity: 'alert_event', entityId: e.id, after: { claimedBy: actor.userId } });
      return { event: e, timelineId: id };
    });
    await this.d.afterChange({
      kind: 'claimed',
      eventIds: [event.id],
      sendGroupId: event.sendGroupId,
      ...line(said('action.notice.claimed', { actor: actor.name, id: event.id, alertname: event.alertname })),
      key: `claim-${timelineId}`,
    });
    return { eventId: event.id, ...result(said('action.claimed', { id: event.id, alertname: event.alertname })) };
  }

  /** Un-acknowledges one alert (it was claimed); the claimer or anyone with the role may. */
  async unclaim(eventId: number, actor: Actor): Promise<ActionResult> {
    const { event, timelineId } = await this.d.db.transaction(async (trx) => {
      const e = await this.lock(trx, eventId);
      if (e.claimedBy === null) throw userError('conflict', 'action.notClaimed', { id: e.id, alertname: e.alertname });
      const now = this.d.clock.now();
      await trx('alert_events').where({ id: e.id }).update({ claimed_by: null, claimed_at: null, updated_at: now });
      const id = await this.timeline(trx, e.id, 'claimed', actor, { undone: true });
      await writeAudit(trx, actor, { action: 'unclaim', entity: 'alert_event', entityId: e.id, before: { claimedBy: e.claimedBy } });
      return { event: e, timelineId: id };
    });
    await this.d.afterChange({
      kind: 'unclaimed',
      eventIds: [event.id],
      sendGroupId: event.sendGroupId,
      ...line(said('action.notice.unclaimed', { actor: actor.name, id: event.id, alertname: event.alertname })),
      key: `unclaim-${timelineId}`,
    });
    return { eventId: event.id, ...result(said('action.unclaimed', { id: event.id, alertname: event.alertname })) };
  }

  /**
   * Silences the event's labels (or, with `scope: 'alertname'`, every alert of its name) on
   * the send group's Alertmanager cluster. With the alertname scope every firing, unsilenced
   * event of that name on the same cluster records the silence too, since it is silenced.
   */
  async silence(eventId: number, durationMs: number, actor: Actor, scope: 'event' | 'alertname' = 'event'): Promise<ActionResult> {
    if (!(durationMs > 0 && durationMs <= MAX_SILENCE_MS)) throw fieldError('duration', 'silence.err.length', { max: formatDuration(MAX_SILENCE_MS) });
    const span = formatDuration(durationMs);
    const { event, ids, timelineId } = await this.d.db.transaction(async (trx) => {
      const e = await this.lock(trx, eventId);
      const now = this.d.clock.now();
      if (e.status === 'resolved') throw userError('conflict', 'action.alreadyResolved', { id: e.id, alertname: e.alertname });
      if (e.silenceId && e.silencedUntil && e.silencedUntil > now) throw userError('conflict', 'action.alreadySilenced', { id: e.id });
      const { clusterId, addresses } = await this.clusterOf(trx, e);
      const endsAt = new Date(now.getTime() + durationMs);
      const { silenceId } = await this.d.silences.create(addresses, {
        matchers: scope === 'alertname' ? equalityMatchers({ alertname: e.alertname }) : equalityMatchers(e.labels),
        startsAt: now,
        endsAt,
        createdBy: actor.name,
        comment: `promduty event #${e.id}${scope === 'alertname' ? ` (every ${e.alertname})` : ''}, by ${actor.name}`,
      });
      const others = scope === 'alertname' ? await this.sameAlertname(trx, e, clusterId, now) : [];
      const all = [e.id, ...others];
      await trx('alert_events').whereIn('id', all).update({ silence_id: silenceId, silenced_until: endsAt, escalation_id: null, updated_at: now });
      const detail = { silenceId, until: endsAt.toISOString(), scope };
      const first = await this.timeline(trx, e.id, 'silenced', actor, detail);
      for (const id of others) await this.timeline(trx, id, 'silenced', actor, { ...detail, via: e.id });
      await writeAudit(trx, actor, { action: 'silence', entity: 'alert_event', entityId: e.id, after: { ...detail, events: all } });
      return { event: e, ids: all, timelineId: first };
    });
    const p = { actor: actor.name, id: event.id, alertname: event.alertname, span };
    const notice = scope === 'alertname' ? said('action.notice.silencedName', p) : said('action.notice.silencedEvent', p);
    await this.d.afterChange({ kind: 'silenced', eventIds: ids, sendGroupId: event.sendGroupId, ...line(notice), key: `silence-${timelineId}` });
    return { eventId: event.id, ...result(scope === 'alertname' ? said('action.silencedName', p) : said('action.silencedEvent', p)) };
  }

  /** `/silence alertname=NAME`: through the newest firing event of that name, which names the cluster. */
  async silenceAlertname(alertname: string, durationMs: number, actor: Actor): Promise<ActionResult> {
    const row = await this.d.db('alert_events').where({ alertname, status: 'firing' }).orderBy('id', 'desc').first('id');
    if (!row) throw notFound('firing alert named', alertname);
    return this.silence(row.id, durationMs, actor, 'alertname');
  }

  /** Expires the event's silence; every event that recorded the same silence is unsilenced. */
  async unsilence(eventId: number, actor: Actor): Promise<ActionResult> {
    const { event, ids, timelineId } = await this.d.db.transaction(async (trx) => {
      const e = await this.lock(trx, eventId);
      const now = this.d.clock.now();
      if (!e.silenceId || !e.silencedUntil || e.silencedUntil <= now) throw userError('conflict', 'action.notSilenced', { id: e.id, alertname: e.alertname });
      const { addresses } = await this.clusterOf(trx, e);
      await this.d.silences.expire(addresses, e.silenceId);
      const all = (await trx('alert_events').where({ silence_id: e.silenceId }).forUpdate().pluck('id')).map(Number);
      await trx('alert_events').whereIn('id', all).update({ silence_id: null, silenced_until: null, updated_at: now });
      const detail = { silenceId: e.silenceId };
      let first = 0;
      for (const id of all) {
        const t = await this.timeline(trx, id, 'unsilenced', actor, detail);
        if (id === e.id) first = t;
      }
      await writeAudit(trx, actor, { action: 'unsilence', entity: 'alert_event', entityId: e.id, before: { ...detail, events: all } });
      return { event: e, ids: all, timelineId: first };
    });
    const notice = said('action.notice.unsilenced', { actor: actor.name, id: event.id, alertname: event.alertname });
    await this.d.afterChange({ kind: 'unsilenced', eventIds: ids, sendGroupId: event.sendGroupId, ...line(notice), key: `unsilence-${timelineId}` });
    return { eventId: event.id, ...result(said('action.unsilenced', { id: event.id, alertname: event.alertname })) };
  }

  private async lock(trx: Knex.Transaction, id: number): Promise<EventRow> {
    const row = await trx('alert_events').where({ id }).forUpdate().first();
    if (!row) throw notFound('alert event', id);
    return fromRow(row);
  }

  /** The send group's Alertmanager cluster and its instances, healthy ones first. */
  private async clusterOf(trx: Knex.Transaction, e: EventRow): Promise<{ clusterId: number; addresses: string[] }> {
    const group = e.sendGroupId === null ? undefined : await trx('send_groups').where({ id: e.sendGroupId }).first('alertmanager_cluster_id');
    if (!group) throw userError('conflict', 'action.noSendGroup', { id: e.id });
    const clusterId: number = group.alertmanager_cluster_id;
    const addresses = await trx('alertmanager_instances').where({ cluster_id: clusterId }).orderBy([{ column: 'healthy', order: 'desc' }, 'id']).pluck('address');
    return { clusterId, addresses };
  }

  private async sameAlertname(trx: Knex.Transaction, e: EventRow, clusterId: number, now: Date): Promise<number[]> {
    const rows = await trx('alert_events as e')
      .join('send_groups as g', 'g.id', 'e.send_group_id')
      .where({ 'e.alertname': e.alertname, 'e.status': 'firing', 'g.alertmanager_cluster_id': clusterId })
      .whereNot('e.id', e.id)
      .where((w) => w.whereNull('e.silenced_until').orWhere('e.silenced_until', '<=', now))
      .forUpdate()
      .pluck('e.id');
    return rows.map(Number);
  }

  private async timeline(trx: Knex.Transaction, eventId: number, kind: string, actor: Actor, detail: unknown): Promise<number> {
    const [id] = await trx('event_timeline').insert({ event_id: eventId, kind, ...who(actor), detail: toJson(detail), at: this.d.clock.now() });
    return Number(id);
  }
}
