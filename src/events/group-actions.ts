import type { Knex } from 'knex';
import { equalityMatchers, type Silences } from '../alertmanager/silences';
import { commonLabels } from '../cards/group-parts';
import type { Clock } from '../core/clock';
import { notFound, type Say } from '../core/errors';
import { english, said, userError } from '../i18n';
import { formatDuration } from '../core/text';
import { writeAudit, type Actor } from '../db/audit';
import { fromJson, toJson } from '../db/knex';
import { MAX_SILENCE_MS } from './actions';
import type { Destinations } from './destinations';
import { snapshotLevels } from './escalation-steps';
import type { Paging } from '../paging/paging';
import { deliverGroupLevel, planGroupLevelBuzzes, recordGroupLevel, type GroupLevel } from './group-escalation';
import type { AlertJobs } from './jobs';
import { messagesOfEvents, RC, writePending } from './outbox';
import { pendingMessageId } from './outbox-keys';

export interface GroupActionDeps {
  db: Knex;
  clock: Clock;
  silences: Silences;
  destinations: Pick<Destinations, 'forGroup'>;
  jobs: Pick<AlertJobs, 'send' | 'reply' | 'patch' | 'escalate'>;
  newEscalationId: () => string;
  /** Buzzes: the added responder's card, and an "escalate now" level's cards by its channel. */
  paging: Pick<Paging, 'planEscalationCards' | 'planResponderCard'>;
}

/**
 * Who acts; `answers`: the Feishu message the caller answers with the re-rendered card (a card
 * callback's), which is then not updated a second time.
 */
export type GroupActor = Actor & { answers?: string | null };

/** The outcome, for a toast or a chat reply. */
export interface GroupActionResult {
  groupId: number;
  /** Plain text (English, for logs and the API). */
  message: string;
  /** The same for people, in catalogue words. */
  say: Say;
}

interface GroupRow {
  id: number;
  alertname: string;
  status: 'firing' | 'resolved';
  sendGroupId: number | null;
  leadEventId: number | null;
  acknowledgedBy: number | null;
  silencedUntil: Date | null;
  escalationLevel: number;
}

const who = (actor: Actor) => ({ actor: actor.name, actor_user_id: actor.userId ?? null });

/**
 * A `claimed` row on each alert the group action just claimed (claimed_at = now), in one
 * statement: the alerts' own timelines, and the stats' time to acknowledge, read them.
 */
async function recordClaims(trx: Knex.Transaction, groupId: number, actor: Actor, now: Date): Promise<void> {
  await trx.raw(
    `INSERT INTO event_timeline (event_id, kind, actor, actor_user_id, detail, at)
     SELECT e.id, 'claimed', ?, ?, ?, ? FROM alert_events e WHERE e.group_id = ? AND e.status = 'firing' AND e.claimed_at = ?`,
    [actor.name, actor.userId ?? null, toJson({ group: groupId }), now, groupId, now],
  );
}

/**
 * What people do to an alert group (card buttons and `/group` commands, editors and up):
 * acknowledge (every firing alert claimed, escalation stopped), un-acknowledge, take over,
 * resolve by hand, escalate now, add a responder, note, silence. Each locks the group row,
 * checks, records a timeline row and an audit row in one transaction, then re-renders the
 * group's cards and says one line in its thread.
 */
/**
 * Reaches a responder just added to a group: the group's card in their private chat (planned
 * in the outbox by `addResponder`, with its buzz, which the send hook queues once the card is out).
 */
export async function notifyResponder(jobs: Pick<AlertJobs, 'send'>, r: { groupId: number; openId: string; sendGroupId: number; uuid: string }): Promise<void> {
  await jobs.send([{ uuid: r.uuid, sendGroupId: r.sendGroupId, recipient: r.openId }]);
}

export class GroupActions {
  constructor(private readonly d: GroupActionDeps) {}

  async acknowledge(groupId: number, actor: GroupActor): Promise<GroupActionResult> {
    return this.act(groupId, actor, 'acknowledged', async (trx, g, now) => {
      if (g.status !== 'firing') throw userError('conflict', 'group.err.notFiring', { id: g.id, alertname: g.alertname });
      if (g.acknowledgedBy !== null) throw userError('conflict', 'group.err.alreadyAck', { id: g.id, name: await this.nameOf(trx, g.acknowledgedBy) });
      await trx('alert_groups').where({ id: g.id }).update({ acknowledged_by: actor.userId ?? null, acknowledged_at: now, escalation_id: null, updated_at: now });
      const n = await trx('alert_events').where({ group_id: g.id, status: 'firing' }).whereNull('claimed_by').update({ claimed_by: actor.userId ?? null, claimed_at: now, escalation_id: null, updated_at: now });
      await recordClaims(trx, g.id, actor, now);
      return { say: said('group.did.ack', { actor: actor.name, alertname: g.alertname, count: n }), detail: { alerts: n } };
    });
  }

  async unacknowledge(groupId: number, actor: GroupActor): Promise<GroupActionResult> {
    return this.act(groupId, actor, 'unacknowledged', async (trx, g, now) => {
      if (g.acknowledgedBy === null) throw userError('conflict', 'group.err.notAck', { id: g.id });
      await trx('alert_groups').where({ id: g.id }).update({ acknowledged_by: null, acknowledged_at: null, updated_at: now });
      await trx('alert_events').where({ group_id: g.id, status: 'firing', claimed_by: g.acknowledgedBy }).update({ claimed_by: null, claimed_at: null, updated_at: now });
      return { say: said('group.did.unack', { actor: actor.name, alertname: g.alertname }), detail: null };
    });
  }

  /** Reassigns the group (and the alerts the previous owner held) to the actor; the previous owner is told privately. */
  async takeOver(groupId: number, actor: GroupActor): Promise<GroupActionResult> {
    let previous: { name: string; openId: string | null } | null = null;
    let alertname = '';
    const result = await this.act(groupId, actor, 'taken_over', async (trx, g, now) => {
      if (g.status !== 'firing') throw userError('conflict', 'group.err.notFiring', { id: g.id, alertname: g.alertname });
      if (g.acknowledgedBy !== null && g.acknowledgedBy === actor.userId) throw userError('conflict', 'group.err.yoursAlready', { id: g.id });
      const prev = g.acknowledgedBy === null ? null : await trx('users').where({ id: g.acknowledgedBy }).first('name', 'feishu_open_id');
      previous = prev ? { name: prev.name, openId: prev.feishu_open_id } : null;
      alertname = g.alertname;
      await trx('alert_groups').where({ id: g.id }).update({ acknowledged_by: actor.userId ?? null, acknowledged_at: now, escalation_id: null, updated_at: now });
      const claimed = trx('alert_events').where({ group_id: g.id, status: 'firing' });
      if (g.acknowledgedBy !== null) claimed.where((w) => w.whereNull('claimed_by').orWhere('claimed_by', g.acknowledgedBy));
      else claimed.whereNull('claimed_by');
      await claimed.update({ claimed_by: actor.userId ?? null, claimed_at: now, escalation_id: null, updated_at: now });
      await recordClaims(trx, g.id, actor, now);
      return { say: said('group.did.take', { actor: actor.name, from: previous?.name ?? '—', alertname: g.alertname }), detail: { from: previous?.name ?? null } };
    });
    const prev = previous as { name: string; openId: string | null } | null;
    if (prev?.openId) await this.notifyPerson(groupId, prev.openId, `take-${groupId}-${this.d.clock.now().getTime()}`, said('group.did.takenFrom', { actor: actor.name, id: groupId, alertname }));
    return result;
  }

  /** Marks the group resolved (escalation over); it stays open, so the next firing notification reopens it. */
  async resolve(groupId: number, actor: GroupActor): Promise<GroupActionResult> {
    return this.act(groupId, actor, 'resolved', async (trx, g, now) => {
      if (g.status !== 'firing') throw userError('conflict', 'group.err.notFiring', { id: g.id, alertname: g.alertname });
      await trx('alert_groups').where({ id: g.id }).update({ status: 'resolved', resolved_by: actor.userId ?? null, resolved_at: now, escalation_id: null, updated_at: now });
      return { say: said('group.did.resolve', { actor: actor.name, alertname: g.alertname }), detail: null };
    });
  }

  /** The next level of the send group's escalation, now; its timers restart from here. */
  async escalateNow(groupId: number, actor: GroupActor): Promise<GroupActionResult> {
    let level: GroupLevel | null = null;
    let levels: ReturnType<typeof snapshotLevels> = [];
    const result = await this.act(groupId, actor, null, async (trx, g, now) => {
      if (g.status !== 'firing' || g.leadEventId === null || g.sendGroupId === null) throw userError('conflict', 'group.err.notFiring', { id: g.id, alertname: g.alertname });
      const dest = (await this.d.destinations.forGroup(g.sendGroupId)).dest;
      levels = dest ? snapshotLevels(dest) : [];
      const next = levels[g.escalationLevel];
      if (!next) throw userError('conflict', 'group.err.noLevel', { id: g.id });
      level = { groupId: g.id, leadEventId: g.leadEventId, sendGroupId: g.sendGroupId, level: g.escalationLevel + 1, escalationId: this.d.newEscalationId(), users: next.users };
      await recordGroupLevel(trx, level, actor.name, actor.userId ?? null, now);
      await planGroupLevelBuzzes(this.d.paging, trx, level, next.channel ?? 'chat');
      return { say: said('group.did.escalate', { actor: actor.name, alertname: g.alertname, level: level.level }), detail: { level: level.level } };
    });
    const l = level as GroupLevel | null;
    if (l) {
      await deliverGroupLevel(this.d.jobs, this.d.db, l);
      const following = levels[l.level];
      if (following) {
        const now = this.d.clock.now().getTime();
        const step = { eventId: l.leadEventId, groupId: l.groupId, escalationId: l.escalationId, sendGroupId: l.sendGroupId, level: l.level + 1, levels, dueAt: now };
        // Due after the gap between the two levels, counted from now.
        const gap = Math.max(0, following.afterMinutes - (levels[l.level - 1]?.afterMinutes ?? 0));
        await this.d.jobs.escalate({ ...step, dueAt: now + gap * 60_000 }, gap * 60_000);
      }
    }
    return result;
  }

  async note(groupId: number, text: string, actor: GroupActor): Promise<GroupActionResult> {
    const clean = text.trim();
    if (!clean) throw userError('validation_failed', 'group.err.noteEmpty');
    if (clean.length > 1000) throw userError('validation_failed', 'group.err.noteTooLong');
    return this.act(groupId, actor, 'note', () => Promise.resolve({ say: said('group.did.note', { actor: actor.name, text: clean }), detail: { text: clean } }));
  }

  /**
   * Adds a person to the incident: a timeline row, and the group's card in their private chat
   * (the same outbox path as the on-call person's copy). Paging them is `notifyResponder`'s job.
   */
  async addResponder(groupId: number, openId: string, actor: GroupActor): Promise<GroupActionResult> {
    let lead: { sendGroupId: number; uuid: string } | null = null;
    const result = await this.act(groupId, actor, 'responder_added', async (trx, g, now) => {
      const user = await trx('users').where({ feishu_open_id: openId }).first('id', 'name');
      if (!user) throw userError('not_found', 'group.err.noSuchUser');
      if (g.leadEventId !== null && g.sendGroupId !== null) {
        const uuid = `gp${g.id}-r-${user.id}`;
        lead = { sendGroupId: g.sendGroupId, uuid };
        await writePending(trx, [{ eventId: g.leadEventId, channel: 'private', receiveId: openId, messageId: pendingMessageId(g.sendGroupId, uuid) }], now);
        // Buzzed on that card once it is sent (the send hook), acknowledged group or not.
        const severity = (await trx('alert_events').where({ id: g.leadEventId }).first('severity'))?.severity ?? null;
        await this.d.paging.planResponderCard(trx, `grp${g.id}:responder`, { uuid, openId, eventIds: [g.leadEventId] }, severity);
      }
      return { say: said('group.did.responder', { actor: actor.name, name: user.name, alertname: g.alertname }), detail: { name: user.name, openId, userId: user.id } };
    });
    const l = lead as { sendGroupId: number; uuid: string } | null;
    if (l) await notifyResponder(this.d.jobs, { groupId, openId, sendGroupId: l.sendGroupId, uuid: l.uuid });
    return result;
  }

  /** An Alertmanager silence on the labels every alert of the group shares; the group's alerts record it. */
  async silence(groupId: number, durationMs: number, reason: string, actor: GroupActor): Promise<GroupActionResult> {
    if (!(durationMs > 0 && durationMs <= MAX_SILENCE_MS)) throw userError('validation_failed', 'group.err.silenceLength', { max: formatDuration(MAX_SILENCE_MS) });
    const span = formatDuration(durationMs);
    return this.act(groupId, actor, 'silenced', async (trx, g, now) => {
      if (g.status !== 'firing') throw userError('conflict', 'group.err.notFiring', { id: g.id, alertname: g.alertname });
      if (g.silencedUntil && g.silencedUntil > now) throw userError('conflict', 'group.err.silencedAlready', { id: g.id });
      const labels = (await trx('alert_events').where({ group_id: g.id }).pluck('labels')).map((l) => ({ labels: fromJson<Record<string, string>>(l, {}) }));
      const matchers = equalityMatchers(commonLabels(labels, true));
      const addresses = await this.addressesOf(trx, g);
      const endsAt = new Date(now.getTime() + durationMs);
      const { silenceId } = await this.d.silences.create(addresses, {
        matchers,
        startsAt: now,
        endsAt,
        createdBy: actor.name,
        comment: `promduty alert group #${g.id} (${g.alertname}), by ${actor.name}${reason ? `: ${reason}` : ''}`,
      });
      await trx('alert_groups').where({ id: g.id }).update({ silence_id: silenceId, silenced_until: endsAt, silenced_by: actor.userId ?? null, escalation_id: null, updated_at: now });
      await trx('alert_events').where({ group_id: g.id, status: 'firing' }).update({ silence_id: silenceId, silenced_until: endsAt, escalation_id: null, updated_at: now });
      const p = { actor: actor.name, alertname: g.alertname, span };
      return { say: reason ? said('group.did.silenceReason', { ...p, reason }) : said('group.did.silence', p), detail: { silenceId, until: endsAt.toISOString(), reason, matchers: matchers.length } };
    });
  }

  /** Lock, check and record (`kind` null: the change records its own timeline row), then re-render and tell the thread. */
  private async act(
    groupId: number,
    actor: GroupActor,
    kind: string | null,
    change: (trx: Knex.Transaction, g: GroupRow, now: Date) => Promise<{ say: Say; detail: Record<string, unknown> | null }>,
  ): Promise<GroupActionResult> {
    const { g, say, timelineId } = await this.d.db.transaction(async (trx) => {
      const g = await this.lock(trx, groupId);
      const now = this.d.clock.now();
      const { say, detail } = await change(trx, g, now);
      let timelineId = 0;
      if (kind) timelineId = Number((await trx('alert_group_timeline').insert({ group_id: g.id, kind, ...who(actor), detail: toJson(detail), at: now }))[0]);
      await writeAudit(trx, actor, { action: `group_${kind ?? 'escalate'}`, entity: 'alert_group', entityId: g.id, after: detail ?? undefined });
      return { g, say, timelineId: Number(timelineId) || now.getTime() };
    }, RC);
    if (g.leadEventId !== null) await this.d.jobs.patch((await messagesOfEvents(this.d.db, [g.leadEventId])).filter((m) => m !== actor.answers));
    const text = english(say);
    if (kind) await this.d.jobs.reply([{ kind: 'group-action', uuid: `ga${g.id}-${timelineId}`, groupId: g.id, text, say }]);
    return { groupId: g.id, message: text, say };
  }

  /** A private line to one person about the group (through the notice path: a card in their chat). */
  private async notifyPerson(groupId: number, openId: string, uuid: string, say: Say): Promise<void> {
    await this.d.jobs.reply([{ kind: 'group-action', uuid, groupId, text: english(say), say, to: openId }]);
  }

  private async lock(trx: Knex.Transaction, id: number): Promise<GroupRow> {
    const r = await trx('alert_groups').where({ id }).forUpdate().first();
    if (!r) throw notFound('alert group', id);
    return {
      id: r.id,
      alertname: r.alertname,
      status: r.status,
      sendGroupId: r.send_group_id,
      leadEventId: r.lead_event_id,
      acknowledgedBy: r.acknowledged_by,
      silencedUntil: r.silenced_until,
      escalationLevel: r.escalation_level,
    };
  }

  private async nameOf(trx: Knex.Transaction, userId: number): Promise<string> {
    return (await trx('users').where({ id: userId }).first('name'))?.name ?? `user ${userId}`;
  }

  private async addressesOf(trx: Knex.Transaction, g: GroupRow): Promise<string[]> {
    const sg = g.sendGroupId === null ? undefined : await trx('send_groups').where({ id: g.sendGroupId }).first('alertmanager_cluster_id');
    if (!sg) throw userError('conflict', 'group.err.noSendGroup', { id: g.id });
    return trx('alertmanager_instances').where({ cluster_id: sg.alertmanager_cluster_id }).orderBy([{ column: 'healthy', order: 'desc' }, 'id']).pluck('address');
  }
}
