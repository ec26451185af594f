import type { AlertGroupView, GroupAlertView } from '../cards/group-parts';
import { fromJson, type Db } from '../db/knex';
import { POOL_LABEL } from '../scrape/render-prometheus';

/** A group as its cards show it, with what the cards need besides. */
export interface GroupRecord {
  view: AlertGroupView;
  sendGroupId: number | null;
  oncallGroupId: number | null;
  leadEventId: number | null;
  escalationId: string | null;
  openKey: string | null;
}

/** Alerts a group card loads at most (the card lists fewer; the API pages through all). */
export const GROUP_ALERTS_MAX = 2000;
const TIMELINE_MAX = 20;
const NO_GROUP = '(no send group)';

const person = (name: string | null, openId: string | null, id: number | null) => (id ? { name: name ?? `user ${id}`, openId } : null);
const trimSlash = (u: string): string => u.replace(/\/+$/, '');

/** Prometheus' graph link on the pool's external URL, keeping the generatorURL's query (the expression). */
export function prometheusLink(generatorUrl: string | null, external: string | null): string | null {
  if (!generatorUrl) return null;
  if (!external) return generatorUrl;
  try {
    const u = new URL(generatorUrl);
    return `${trimSlash(external)}${u.pathname}${u.search}`;
  } catch {
    return null;
  }
}

/** Alertmanager's alert list filtered to the group's labels, on the cluster's external URL. */
export const alertmanagerLink = (external: string | null, labels: Record<string, string>): string | null =>
  external ? `${trimSlash(external)}/#/alerts?filter=${encodeURIComponent(`{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`)}` : null;
export const silenceLink = (external: string | null, silenceId: string | null): string | null =>
  external && silenceId ? `${trimSlash(external)}/#/silences/${encodeURIComponent(silenceId)}` : null;

/** Annotations every alert shares; when none are shared, the first alert's. */
function sharedAnnotations(list: Record<string, string>[]): Record<string, string> {
  const first = list[0] ?? {};
  const shared = Object.fromEntries(Object.entries(first).filter(([k, v]) => list.every((a) => a[k] === v)));
  return Object.keys(shared).length ? shared : first;
}

/** Groups with their alerts and timeline, for cards and the API. */
export async function loadGroups(db: Db, ids: number[]): Promise<Map<number, GroupRecord>> {
  if (!ids.length) return new Map();
  const rows = await db('alert_groups as g')
    .leftJoin('send_groups as s', 's.id', 'g.send_group_id')
    .leftJoin('alertmanager_clusters as c', 'c.id', 's.alertmanager_cluster_id')
    .leftJoin('users as ua', 'ua.id', 'g.acknowledged_by')
    .leftJoin('users as ur', 'ur.id', 'g.resolved_by')
    .leftJoin('users as us', 'us.id', 'g.silenced_by')
    .whereIn('g.id', [...new Set(ids)])
    .select(
      'g.*', 's.name as send_group_name', 's.oncall_group_id', 'c.external_url as am_url',
      'ua.name as ack_name', 'ua.feishu_open_id as ack_open_id', 'ur.name as res_name', 'ur.feishu_open_id as res_open_id',
      'us.name as sil_name', 'us.feishu_open_id as sil_open_id',
    );
  const events = await db('alert_events as e')
    .leftJoin('users as u', 'u.id', 'e.claimed_by')
    .leftJoin('alert_rules as r', 'r.id', 'e.rule_id')
    .whereIn('e.group_id', rows.map((r: any) => r.id))
    .orderBy('e.id')
    .limit(GROUP_ALERTS_MAX * rows.length)
    .select('e.*', 'u.name as claimed_by_name', 'u.feishu_open_id as claimed_by_open_id', 'r.grafana_url');
  const timeline = await db('alert_group_timeline').whereIn('group_id', rows.map((r: any) => r.id)).orderBy('id', 'desc').limit(TIMELINE_MAX * rows.length);
  const pools = new Map<string, string | null>(
    (await db('scrape_pools').whereNotNull('external_url').select('name', 'external_url')).map((p: any) => [p.name, p.external_url]),
  );
  // Added responders are timeline rows ({name, openId} in detail): no table of their own.
  const responders = await db('alert_group_timeline').whereIn('group_id', rows.map((r: any) => r.id)).where('kind', 'responder_added').select('group_id', 'detail');

  const out = new Map<number, GroupRecord>();
  for (const g of rows as any[]) {
    const mine = (events as any[]).filter((e) => e.group_id === g.id);
    const alerts: GroupAlertView[] = mine.map((e) => ({
      id: e.id,
      status: e.status,
      severity: e.severity ?? '',
      labels: fromJson<Record<string, string>>(e.labels, {}),
      firstSeenAt: e.starts_at,
      lastSeenAt: e.last_seen_at,
      resolvedAt: e.status === 'resolved' ? (e.ends_at ?? e.resolved_at) : null,
      count: e.repeat_count + 1,
      claimedBy: person(e.claimed_by_name, e.claimed_by_open_id, e.claimed_by),
      silencedUntil: e.silenced_until,
    }));
    const firing = mine.filter((e) => e.status === 'firing');
    const annotations = sharedAnnotations((firing.length ? firing : mine).map((e) => fromJson<Record<string, string>>(e.annotations, {})));
    const first = mine[0];
    const poolUrl = pools.get(alerts[0]?.labels[POOL_LABEL] ?? '') ?? null;
    const groupLabels = fromJson<Record<string, string>>(g.group_labels, {});
    out.set(g.id, {
      sendGroupId: g.send_group_id,
      oncallGroupId: g.oncall_group_id ?? null,
      leadEventId: g.lead_event_id,
      escalationId: g.escalation_id,
      openKey: g.open_key,
      view: {
        id: g.id,
        alertname: g.alertname,
        status: g.status,
        sendGroupName: g.send_group_name ?? NO_GROUP,
        groupLabels,
        alerts,
        annotations,
        firstSeenAt: alerts.reduce((m, a) => (a.firstSeenAt < m ? a.firstSeenAt : m), g.first_seen_at as Date),
        lastSeenAt: g.last_seen_at,
        resolvedAt: g.status === 'resolved' ? g.resolved_at : null,
        resolvedBy: person(g.res_name, g.res_open_id, g.resolved_by),
        acknowledgedBy: person(g.ack_name, g.ack_open_id, g.acknowledged_by),
        acknowledgedAt: g.acknowledged_at,
        silencedBy: person(g.sil_name, g.sil_open_id, g.silenced_by),
        silencedUntil: g.silenced_until,
        silenceUrl: silenceLink(g.am_url, g.silence_id),
        escalationLevel: g.escalation_level,
        responders: (responders as any[]).filter((r) => r.group_id === g.id).map((r) => fromJson<{ name: string; openId: string | null }>(r.detail, { name: '?', openId: null })),
        prometheusUrl: prometheusLink(first?.generator_url ?? null, poolUrl),
        alertmanagerUrl: alertmanagerLink(g.am_url, Object.keys(groupLabels).length ? groupLabels : { alertname: g.alertname }),
        grafanaUrl: first?.grafana_url ?? null,
        timeline: (timeline as any[])
          .filter((t) => t.group_id === g.id)
          .slice(0, TIMELINE_MAX)
          .reverse()
          .map((t) => ({ at: t.at, actor: t.actor, kind: t.kind, detail: fromJson<Record<string, unknown> | null>(t.detail, null) })),
      },
    });
  }
  return out;
}

/** The group an event belongs to, or null (events stored before groups existed). */
export async function groupOfEvent(db: Db, eventId: number): Promise<number | null> {
  return (await db('alert_events').where({ id: eventId }).first('group_id'))?.group_id ?? null;
}
