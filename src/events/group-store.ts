import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { toJson } from '../db/knex';
import { insertedIds, insertRows } from './sql';

/**
 * Alert groups in the alert path: Alertmanager's groupKey (per route `group_by`, and per
 * receiver) is promduty's incident. Each notification's alerts belong to the group open for
 * its key; a key with no open group opens one. A group closes when its last alert resolves
 * (`open_key` NULL), so the next firing alert of the key is a new incident with a new card.
 * A group resolved by hand stays open: the next firing notification of it reopens it.
 * Both functions run inside the transaction that stores the events (event-store.ts).
 */
export interface GroupRef {
  /** sha1 of receiver and groupKey: the `open_key` of the group while it is open. */
  hash: string;
  groupKey: string;
  receiver: string;
  groupLabels: Record<string, string>;
}

/** What a notification says about the group its alerts are in. */
export interface GroupedAlert {
  group: GroupRef;
  alertname: string;
  sendGroupId: number | null;
  escalates: boolean;
  firing: boolean;
}

export const groupHash = (receiver: string, groupKey: string): string =>
  createHash('sha1').update(`${receiver.length}:${receiver}${groupKey}`).digest('hex');

export const groupRef = (n: { receiver: string; groupKey: string; groupLabels?: Record<string, string> }): GroupRef => ({
  hash: groupHash(n.receiver, n.groupKey),
  groupKey: n.groupKey,
  receiver: n.receiver,
  groupLabels: n.groupLabels ?? {},
});

export interface OpenedGroups {
  /** Open group id by `GroupRef.hash`. */
  ids: Map<string, number>;
  /** Groups resolved by hand that a firing alert reopened: their cards must be re-rendered. */
  reopened: number[];
}

/** The open group of every key in the batch, created or reopened as needed (rows locked). */
export async function openGroups(trx: Knex.Transaction, alerts: GroupedAlert[], at: Date, newEscalationId: () => string): Promise<OpenedGroups> {
  const byHash = new Map<string, GroupedAlert[]>();
  const firingKeys = new Set(alerts.filter((a) => a.firing).map((a) => a.group.hash));
  for (const a of alerts) {
    // Appended in place: copying the list per alert was quadratic in a group's size (one
    // 2,000-alert notification: 2 M element copies).
    const list = byHash.get(a.group.hash);
    if (list) list.push(a);
    else byHash.set(a.group.hash, [a]);
  }
  if (!byHash.size) return { ids: new Map(), reopened: [] };
  // By the open key's unique index, forced, as alert events are (event-store.ts): a locking
  // table scan would wait for the groups the other transaction in flight opened.
  const rows = await trx
    .select('id', 'open_key', 'status')
    .from(trx.raw('alert_groups FORCE INDEX (alert_groups_open_key_unique)'))
    .whereIn('open_key', [...byHash.keys()])
    .forUpdate();
  const ids = new Map<string, number>(rows.map((r: any) => [r.open_key as string, r.id as number]));
  // Only a firing alert opens an incident: a resolved notification repeated after its group
  // closed would otherwise open an empty one (an alert first seen resolved stays groupless).
  const missing = [...byHash.entries()].filter(([hash, list]) => !ids.has(hash) && list.some((a) => a.firing));
  if (missing.length) {
    const { insertId } = await insertRows(
      trx,
      'alert_groups',
      missing.map(([hash, list]) => {
        const first = list[0]!;
        return {
          open_key: hash,
          group_key_hash: hash,
          group_key: first.group.groupKey,
          receiver: first.group.receiver,
          group_labels: toJson(first.group.groupLabels),
          alertname: first.group.groupLabels.alertname?.slice(0, 200) || first.alertname,
          send_group_id: first.sendGroupId,
          status: 'firing',
          escalation_id: list.some((a) => a.escalates) ? newEscalationId() : null,
          first_seen_at: at,
          last_seen_at: at,
          created_at: at,
          updated_at: at,
        };
      }),
    );
    const newIds = await insertedIds(trx, insertId, missing.length);
    missing.forEach(([hash], i) => ids.set(hash, newIds[i]!));
  }
  const reopened = rows.filter((r: any) => r.status === 'resolved' && firingKeys.has(r.open_key)).map((r: any) => r.id as number);
  if (reopened.length) {
    await trx('alert_groups').whereIn('id', reopened).update({ status: 'firing', resolved_by: null, resolved_at: null, updated_at: at });
    await trx('alert_group_timeline').insert(reopened.map((id) => ({ group_id: id, kind: 'reopened', actor: 'alertmanager', detail: null, at })));
  }
  return { ids, reopened };
}

/**
 * After the events are written: each touched group knows its lead event (the first one, whose
 * outbox rows are the group's cards) and its last sighting; a group with no firing alert left
 * closes (resolved, escalation over, its key free for a new incident). Returns closed ids.
 */
export async function settleGroups(trx: Knex.Transaction, groupIds: number[], anyResolved: boolean, at: Date): Promise<number[]> {
  if (!groupIds.length) return [];
  await trx.raw(
    `UPDATE alert_groups g SET lead_event_id = COALESCE(g.lead_event_id, (SELECT MIN(e.id) FROM alert_events e WHERE e.group_id = g.id)), last_seen_at = ?, updated_at = ?
     WHERE g.id IN (${groupIds.map(() => '?').join(',')})`,
    [at, at, ...groupIds],
  );
  if (!anyResolved) return [];
  const firing = new Set(
    (await trx('alert_events').whereIn('group_id', groupIds).where({ status: 'firing' }).distinct('group_id').pluck('group_id')).map(Number),
  );
  const closed = groupIds.filter((id) => !firing.has(id));
  if (closed.length) {
    await trx('alert_groups')
      .whereIn('id', closed)
      .whereNotNull('open_key')
      // Ended when its last alert ended (Alertmanager's endsAt), not when we heard of it.
      .update({
        status: 'resolved',
        open_key: null,
        resolved_at: trx.raw('COALESCE(resolved_at, (SELECT MAX(COALESCE(e.ends_at, e.resolved_at)) FROM alert_events e WHERE e.group_id = alert_groups.id), ?)', [at]),
        escalation_id: null,
        updated_at: at,
      });
  }
  return closed;
}
