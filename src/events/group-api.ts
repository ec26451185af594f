import { z } from 'zod';
import { notFound } from '../core/errors';
import { parseInput } from '../core/validate';
import { fromJson, type Db } from '../db/knex';
import { loadGroups } from './group-view';

const listQuery = z.object({
  status: z.enum(['firing', 'resolved', 'all']).default('firing'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Alert groups for the API: `list` (newest first, `?status=firing|resolved|all`, `?limit=`)
 * with counts and event ids; `get` with every event (labels in full, internal ones included)
 * and the group's timeline.
 */
export class AlertGroupQueries {
  constructor(private readonly db: Db) {}

  async list(query: Record<string, unknown>) {
    const q = parseInput(listQuery, query, 'query');
    const rows = await this.db('alert_groups as g')
      .modify((b) => (q.status === 'all' ? b : b.where('g.status', q.status)))
      .orderBy('g.id', 'desc')
      .limit(q.limit)
      .select('g.id', 'g.alertname', 'g.status', 'g.send_group_id', 'g.group_labels', 'g.first_seen_at', 'g.last_seen_at', 'g.acknowledged_by', 'g.silenced_until', 'g.escalation_level')
      .select(this.db.raw("(SELECT COUNT(*) FROM alert_events e WHERE e.group_id = g.id AND e.status = 'firing') AS firing"))
      .select(this.db.raw('(SELECT COUNT(*) FROM alert_events e WHERE e.group_id = g.id) AS alerts'));
    return rows.map((r: any) => ({
      id: r.id,
      alertname: r.alertname,
      status: r.status,
      sendGroupId: r.send_group_id,
      groupLabels: fromJson<Record<string, string>>(r.group_labels, {}),
      alerts: Number(r.alerts),
      firing: Number(r.firing),
      acknowledgedBy: r.acknowledged_by,
      silencedUntil: iso(r.silenced_until),
      escalationLevel: r.escalation_level,
      firstSeenAt: iso(r.first_seen_at),
      lastSeenAt: iso(r.last_seen_at),
    }));
  }

  async get(id: number) {
    const g = (await loadGroups(this.db, [id])).get(id);
    if (!g) throw notFound('alert group', id);
    const v = g.view;
    return {
      id: v.id,
      alertname: v.alertname,
      status: v.status,
      sendGroupId: g.sendGroupId,
      sendGroupName: v.sendGroupName,
      groupLabels: v.groupLabels,
      leadEventId: g.leadEventId,
      acknowledgedBy: v.acknowledgedBy?.name ?? null,
      acknowledgedAt: iso(v.acknowledgedAt),
      resolvedBy: v.resolvedBy?.name ?? null,
      resolvedAt: iso(v.resolvedAt),
      silencedBy: v.silencedBy?.name ?? null,
      silencedUntil: iso(v.silencedUntil),
      escalationLevel: v.escalationLevel,
      responders: v.responders,
      firstSeenAt: iso(v.firstSeenAt),
      lastSeenAt: iso(v.lastSeenAt),
      events: v.alerts.map((a) => ({
        id: a.id,
        status: a.status,
        severity: a.severity,
        labels: a.labels,
        startsAt: iso(a.firstSeenAt),
        lastSeenAt: iso(a.lastSeenAt),
        resolvedAt: iso(a.resolvedAt),
        acknowledgedBy: a.claimedBy?.name ?? null,
        silencedUntil: iso(a.silencedUntil),
      })),
      timeline: v.timeline.map((t) => ({ at: iso(t.at), actor: t.actor, kind: t.kind, detail: t.detail })),
    };
  }
}
