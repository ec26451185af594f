import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/knex';
import { RC } from './outbox';
import { insertedIds, insertRows, tupleIn, updateOnDuplicate } from './sql';
import { decide, type DecideContext, type Decision, type EventState } from './transition';
import type { BatchAlert } from './webhook';

/** An alert with what the pipeline resolved for it before touching the database. */
export interface PreparedAlert {
  alert: BatchAlert;
  alertname: string;
  severity: string | null;
  /** The `rule_id` label when it names an existing rule. */
  ruleId: number | null;
  /** Its send group (the default one for a missing or unknown label); null: nowhere to send. */
  sendGroupId: number | null;
  repeatIntervalMs: number;
  escalates: boolean;
}

export interface Applied {
  eventId: number;
  sendGroupId: number | null;
  decision: Decision;
}

export interface StoreContext extends Pick<DecideContext, 'receivedAt' | 'dedupWindowMs' | 'newEscalationId'> {
  /** When the rows are written (created_at / updated_at). */
  now: Date;
}

const RETRIES = 5;
const RETRYABLE = new Set(['ER_DUP_ENTRY', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const keyOf = (fingerprint: string, startsAt: number): string => `${fingerprint}@${startsAt}`;

function stateOf(r: any): EventState {
  return {
    status: r.status,
    annotations: fromJson<Record<string, string>>(r.annotations, {}),
    generatorUrl: r.generator_url ?? '',
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
    endsAt: r.ends_at,
    resolvedAt: r.resolved_at,
    repeatCount: r.repeat_count,
    lastNotifiedAt: r.last_notified_at,
    escalationId: r.escalation_id,
    escalationLevel: r.escalation_level,
  };
}

const stateColumns = (s: EventState, at: Date) => ({
  status: s.status,
  annotations: toJson(s.annotations),
  generator_url: s.generatorUrl || null,
  first_seen_at: s.firstSeenAt,
  last_seen_at: s.lastSeenAt,
  ends_at: s.endsAt,
  resolved_at: s.resolvedAt,
  repeat_count: s.repeatCount,
  last_notified_at: s.lastNotifiedAt,
  escalation_id: s.escalationId,
  escalation_level: s.escalationLevel,
  updated_at: at,
});
const UPDATED: string[] = Object.keys(stateColumns(stateOf({}), new Date()));

/**
 * Applies one notification's alerts to their events in one transaction, whatever the number
 * of alerts: lock the existing rows (one SELECT … FOR UPDATE), decide each alert (pure), then
 * one multi-row INSERT for new episodes (their ids follow from the insert id), one multi-row
 * INSERT … ON DUPLICATE KEY UPDATE for the changed ones, one INSERT of timeline rows. READ COMMITTED takes no gap locks, so two
 * notifications racing to create the same episode do not deadlock: the loser hits the unique
 * key, rolls back and runs again, now finding the row (locked) and deciding against it.
 */
export async function applyBatch(db: Knex, alerts: PreparedAlert[], ctx: StoreContext): Promise<Applied[]> {
  // Alertmanager never repeats an alert within one notification; if a sender does, the last wins.
  const byKey = new Map(alerts.map((p) => [keyOf(p.alert.fingerprint, p.alert.startsAt), p]));
  const unique = [...byKey.values()];
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((trx) => applyOnce(trx, unique, ctx), RC);
    } catch (e) {
      if (attempt >= RETRIES || !RETRYABLE.has((e as { code?: string }).code ?? '')) throw e;
    }
  }
}

async function applyOnce(trx: Knex.Transaction, alerts: PreparedAlert[], ctx: StoreContext): Promise<Applied[]> {
  const [where, keys] = tupleIn(['fingerprint', 'starts_at'], alerts.map((p) => [p.alert.fingerprint, new Date(p.alert.startsAt)]));
  const [rows] = await trx.raw(`SELECT * FROM alert_events WHERE ${where} FOR UPDATE`, keys);
  const existing = new Map<string, any>(rows.map((r: any) => [keyOf(r.fingerprint, (r.starts_at as Date).getTime()), r]));

  const decided = alerts.map((p) => {
    const row = existing.get(keyOf(p.alert.fingerprint, p.alert.startsAt));
    const decision = decide(row ? stateOf(row) : undefined, p.alert, { ...ctx, repeatIntervalMs: p.repeatIntervalMs, escalates: p.escalates });
    return { p, row, decision };
  });

  const at = ctx.now;
  const identity = (p: PreparedAlert) => ({
    fingerprint: p.alert.fingerprint,
    starts_at: new Date(p.alert.startsAt),
    alertname: p.alertname,
    labels: toJson(p.alert.labels),
  });
  const ids = new Map<string, number>([...existing].map(([k, r]) => [k, r.id]));
  const created = decided.filter((d) => d.decision.created);
  if (created.length) {
    const { insertId } = await insertRows(
      trx,
      'alert_events',
      created.map(({ p, decision }) => ({
        ...identity(p),
        rule_id: p.ruleId,
        send_group_id: p.sendGroupId,
        severity: p.severity,
        ...stateColumns(decision.next!, at),
        created_at: at,
      })),
    );
    const newIds = await insertedIds(trx, insertId, created.length);
    created.forEach(({ p }, i) => ids.set(keyOf(p.alert.fingerprint, p.alert.startsAt), newIds[i]!));
  }
  const changed = decided.filter((d) => d.row && d.decision.next);
  if (changed.length) {
    const updates = changed.map(({ p, row, decision }) => ({ id: row.id, ...identity(p), ...stateColumns(decision.next!, at) }));
    await insertRows(trx, 'alert_events', updates, updateOnDuplicate(UPDATED));
  }

  const applied = decided.map(({ p, row, decision }) => ({
    eventId: ids.get(keyOf(p.alert.fingerprint, p.alert.startsAt))!,
    sendGroupId: row ? row.send_group_id : p.sendGroupId,
    decision,
  }));
  const timeline = applied.flatMap((a) =>
    a.decision.timeline.map((t) => ({ event_id: a.eventId, kind: t.kind, actor: 'alertmanager', detail: toJson(t.detail), at: t.at })),
  );
  if (timeline.length) await insertRows(trx, 'event_timeline', timeline);
  return applied;
}
