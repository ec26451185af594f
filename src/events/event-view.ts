import type { AlertEventView, EventRowView } from '../cards/alert-parts';
import { fromJson, type Db } from '../db/knex';

/** An event as its cards show it, with the send group it belongs to. */
export interface EventRecord {
  view: AlertEventView;
  sendGroupId: number | null;
  sendGroupName: string;
  oncallGroupId: number | null;
  startsAt: Date;
}

const NO_GROUP = '(no send group)';

function toRecord(r: any): EventRecord {
  const labels = fromJson<Record<string, string>>(r.labels, {});
  const annotations = fromJson<Record<string, string>>(r.annotations, {});
  return {
    view: {
      id: r.id,
      alertname: r.alertname,
      status: r.status,
      severity: r.severity ?? '',
      target: labels.instance ?? '',
      treePath: r.tree_path ?? null,
      summary: annotations.summary ?? null,
      description: annotations.description ?? null,
      value: annotations.description_value ?? annotations.value ?? null,
      labels,
      generatorUrl: r.generator_url ?? null,
      grafanaUrl: r.grafana_url ?? null,
      // When it started firing (Prometheus' time), not when promduty heard of it.
      firstSeenAt: r.starts_at,
      lastSeenAt: r.last_seen_at,
      resolvedAt: r.status === 'resolved' ? (r.ends_at ?? r.resolved_at) : null,
      count: r.repeat_count + 1,
      claimedBy: r.claimed_by ? { name: r.claimed_by_name ?? `user ${r.claimed_by}`, openId: r.claimed_by_open_id } : null,
      claimedAt: r.claimed_at,
      silencedUntil: r.silenced_until,
      escalationLevel: r.escalation_level,
    },
    sendGroupId: r.send_group_id,
    sendGroupName: r.send_group_name ?? NO_GROUP,
    oncallGroupId: r.oncall_group_id ?? null,
    startsAt: r.starts_at,
  };
}

function baseQuery(db: Db) {
  return db('alert_events as e')
    .leftJoin('send_groups as g', 'g.id', 'e.send_group_id')
    .leftJoin('alert_rules as r', 'r.id', 'e.rule_id')
    .leftJoin('tree_nodes as t', 't.id', 'r.tree_node_id')
    .leftJoin('users as u', 'u.id', 'e.claimed_by')
    .select(
      'e.*',
      'g.name as send_group_name',
      'g.oncall_group_id',
      'r.grafana_url',
      't.path as tree_path',
      'u.name as claimed_by_name',
      'u.feishu_open_id as claimed_by_open_id',
    );
}

/** The events with everything their cards show, in one query. */
export async function loadEvents(db: Db, ids: number[]): Promise<Map<number, EventRecord>> {
  if (!ids.length) return new Map();
  const rows = await baseQuery(db).whereIn('e.id', [...new Set(ids)]);
  return new Map(rows.map((r: any) => [r.id, toRecord(r)]));
}

/** Firing events, newest first, and how many there are. */
export async function loadFiring(db: Db, limit: number): Promise<{ records: EventRecord[]; total: number }> {
  const [rows, count] = await Promise.all([
    baseQuery(db).where('e.status', 'firing').orderBy('e.id', 'desc').limit(limit),
    db('alert_events').where({ status: 'firing' }).count({ n: '*' }).first(),
  ]);
  return { records: rows.map(toRecord), total: Number(count?.n ?? 0) };
}

/**
 * What a digest line shows, for many events at once: no label or annotation documents, only
 * the `instance` label out of them (a storm's digest lists up to a couple of hundred).
 */
export async function loadEventLines(db: Db, ids: number[]): Promise<{ lines: Map<number, EventRowView>; sendGroupName: string }> {
  if (!ids.length) return { lines: new Map(), sendGroupName: NO_GROUP };
  const rows = await db('alert_events as e')
    .leftJoin('send_groups as g', 'g.id', 'e.send_group_id')
    .leftJoin('users as u', 'u.id', 'e.claimed_by')
    .whereIn('e.id', [...new Set(ids)])
    .select(
      'e.id', 'e.alertname', 'e.status', 'e.severity', 'e.starts_at', 'e.ends_at', 'e.resolved_at', 'e.claimed_by', 'e.silenced_until',
      db.raw("JSON_UNQUOTE(JSON_EXTRACT(e.labels, '$.instance')) AS instance"),
      'g.name as send_group_name', 'u.name as claimed_by_name', 'u.feishu_open_id as claimed_by_open_id',
    );
  const lines = new Map<number, EventRowView>(
    rows.map((r: any) => [
      r.id,
      {
        id: r.id,
        alertname: r.alertname,
        status: r.status,
        severity: r.severity ?? '',
        target: r.instance ?? '',
        firstSeenAt: r.starts_at,
        resolvedAt: r.status === 'resolved' ? (r.ends_at ?? r.resolved_at) : null,
        claimedBy: r.claimed_by ? { name: r.claimed_by_name ?? `user ${r.claimed_by}`, openId: r.claimed_by_open_id } : null,
        silencedUntil: r.silenced_until,
      },
    ]),
  );
  return { lines, sendGroupName: rows[0]?.send_group_name ?? NO_GROUP };
}
