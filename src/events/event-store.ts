import type { Knex } from 'knex';
import { fromJson, toJson } from '../db/knex';
import { RC } from './outbox';
import { insertedIds, insertRows, insertValues, tupleIn, updateOnDuplicate } from './sql';
import { openGroups, settleGroups, type GroupRef } from './group-store';
import { decide, type DecideContext, type Decision, type EventState } from './transition';
import type { BatchAlert } from './webhook';

/** An alert with what the pipeline resolved for it before touching the database. */
export interface PreparedAlert {
  alert: BatchAlert;
  /** When promduty received its notification. */
  receivedAt: Date;
  alertname: string;
  severity: string | null;
  /** The `rule_id` label when it names an existing rule. */
  ruleId: number | null;
  /** Its send group (the default one for a missing or unknown label); null: nowhere to send. */
  sendGroupId: number | null;
  repeatIntervalMs: number;
  escalates: boolean;
  /** The Alertmanager group of its notification (the incident it belongs to). */
  group: GroupRef;
}

export interface Applied {
  eventId: number;
  sendGroupId: number | null;
  /** The event's rule and the start of its episode, as stored: what remediation plans by. */
  ruleId: number | null;
  startsAt: Date;
  /** The alert group the event is in (null only for events stored before groups existed). */
  groupId: number | null;
  decision: Decision;
}

/** What one stored batch did: per alert, and to the groups. */
export interface AppliedBatch {
  applied: Applied[];
  /** Groups resolved by hand that a firing alert reopened. */
  reopened: number[];
  /** Groups whose last firing alert resolved in this batch. */
  closed: number[];
}

export interface StoreContext extends Pick<DecideContext, 'dedupWindowMs' | 'newEscalationId'> {
  /** When the rows are written (created_at / updated_at). */
  now: Date;
}

const RETRIES = 5;
const RETRYABLE = new Set(['ER_DUP_ENTRY', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
// Compared as the unique index compares them: the column's collation ignores case, so
// "ABC1" finds the row of "abc1" and must not be inserted beside it (a duplicate key, for ever).
const keyOf = (fingerprint: string, startsAt: number): string => `${fingerprint.toLowerCase()}@${startsAt}`;

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

/*
 * Rows as values in column order: the same 2,000-alert insert built as objects spread together
 * from three (identity, state, the rest) cost about 35 µs an alert to build and read back by
 * column, against 2 µs as arrays (V8 made the spread objects dictionaries; issue 15).
 */
const IDENTITY_COLUMNS = ['fingerprint', 'starts_at', 'alertname', 'labels'];
const identityValues = (p: PreparedAlert): unknown[] => [p.alert.fingerprint, new Date(p.alert.startsAt), p.alertname, toJson(p.alert.labels)];
const STATE_COLUMNS = ['status', 'annotations', 'generator_url', 'first_seen_at', 'last_seen_at', 'ends_at', 'resolved_at', 'repeat_count', 'last_notified_at', 'escalation_id', 'escalation_level', 'updated_at'];
const stateValues = (s: EventState, at: Date): unknown[] => [
  s.status,
  toJson(s.annotations),
  s.generatorUrl || null,
  s.firstSeenAt,
  s.lastSeenAt,
  s.endsAt,
  s.resolvedAt,
  s.repeatCount,
  s.lastNotifiedAt,
  s.escalationId,
  s.escalationLevel,
  at,
];
const CREATED_COLUMNS = [...IDENTITY_COLUMNS, 'rule_id', 'send_group_id', 'severity', ...STATE_COLUMNS, 'group_id', 'created_at'];
const CHANGED_COLUMNS = ['id', ...IDENTITY_COLUMNS, ...STATE_COLUMNS, 'group_id'];

/**
 * Applies the alerts of one or more notifications (in arrival order) to their events in one
 * transaction, whatever their number: lock the existing rows (one SELECT … FOR UPDATE), fold
 * each episode's alerts through `decide` (pure), then one multi-row INSERT for new episodes
 * (their ids follow from the insert id), one multi-row INSERT … ON DUPLICATE KEY UPDATE for the
 * changed ones, one INSERT of timeline rows. Returns one `Applied` per alert. READ COMMITTED
 * takes no gap locks, so two batches racing to create the same episode do not deadlock: the
 * loser hits the unique key, rolls back and runs again, now finding the row (locked) and
 * deciding against it.
 */
export async function applyBatch(db: Knex, alerts: PreparedAlert[], ctx: StoreContext): Promise<AppliedBatch> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((trx) => applyOnce(trx, alerts, ctx), RC);
    } catch (e) {
      if (attempt >= RETRIES || !RETRYABLE.has((e as { code?: string }).code ?? '')) throw e;
    }
  }
}

/** One firing episode as the batch leaves it. */
interface Episode {
  key: string;
  first: PreparedAlert;
  last: PreparedAlert;
  row: any;
  state: EventState | undefined;
  created: boolean;
  changed: boolean;
  /** Resolved → firing again: it joins the key's open group. */
  refired: boolean;
}

function fold(alerts: PreparedAlert[], existing: Map<string, any>, ctx: StoreContext) {
  const episodes = new Map<string, Episode>();
  const decided = alerts.map((p) => {
    const key = keyOf(p.alert.fingerprint, p.alert.startsAt);
    let e = episodes.get(key);
    if (!e) {
      const row = existing.get(key);
      e = { key, first: p, last: p, row, state: row ? stateOf(row) : undefined, created: false, changed: false, refired: false };
      episodes.set(key, e);
    }
    // Escalation is the group's (alert_groups.escalation_id), not each alert's: 200 alerts of
    // one incident escalate once.
    const decision = decide(e.state, p.alert, { ...ctx, receivedAt: p.receivedAt, repeatIntervalMs: p.repeatIntervalMs, escalates: false });
    if (decision.next) Object.assign(e, { state: decision.next, last: p, changed: true });
    if (decision.created) e.created = true;
    if (decision.change === 'refired') e.refired = true;
    return { episode: e, decision };
  });
  return { episodes: [...episodes.values()], decided };
}

async function applyOnce(trx: Knex.Transaction, alerts: PreparedAlert[], ctx: StoreContext): Promise<AppliedBatch> {
  const groups = await openGroups(
    trx,
    alerts.map((p) => ({ group: p.group, alertname: p.alertname, sendGroupId: p.sendGroupId, escalates: p.escalates, firing: p.alert.status === 'firing' })),
    ctx.now,
    ctx.newEscalationId,
  );
  const unique = [...new Map(alerts.map((p) => [keyOf(p.alert.fingerprint, p.alert.startsAt), p.alert])).values()];
  const [where, keys] = tupleIn(['fingerprint', 'starts_at'], unique.map((a) => [a.fingerprint, new Date(a.startsAt)]));
  // By the unique key, forced: with many keys against a small table (a fresh install, a
  // storm's first minutes) the optimizer scans the table instead, and a locking scan waits for
  // every row the other transaction in flight wrote: the two ran one after the other (1,000-alert
  // batches, two at once: 'groups' + 'select' steps up to 450 ms of waiting, 0 with the index).
  const [rows] = await trx.raw(`SELECT * FROM alert_events FORCE INDEX (alert_events_fingerprint_starts_at_unique) WHERE ${where} FOR UPDATE`, keys);
  const existing = new Map<string, any>(rows.map((r: any) => [keyOf(r.fingerprint, (r.starts_at as Date).getTime()), r]));
  const { episodes, decided } = fold(alerts, existing, ctx);

  const at = ctx.now;
  const ids = new Map<string, number>([...existing].map(([k, r]) => [k, r.id]));
  const created = episodes.filter((e) => e.created);
  if (created.length) {
    const { insertId } = await insertValues(
      trx,
      'alert_events',
      CREATED_COLUMNS,
      created.map((e) => [
        ...identityValues(e.last),
        e.first.ruleId,
        e.first.sendGroupId,
        e.first.severity,
        ...stateValues(e.state!, at),
        groups.ids.get(e.last.group.hash) ?? null,
        at,
      ]),
    );
    const newIds = await insertedIds(trx, insertId, created.length);
    created.forEach((e, i) => ids.set(e.key, newIds[i]!));
  }
  const changed = episodes.filter((e) => e.row && e.changed);
  if (changed.length) {
    const groupOf = (e: Episode): number | null => (e.refired ? (groups.ids.get(e.last.group.hash) ?? null) : e.row.group_id);
    const updates = changed.map((e) => [e.row.id, ...identityValues(e.last), ...stateValues(e.state!, at), groupOf(e)]);
    await insertValues(trx, 'alert_events', CHANGED_COLUMNS, updates, updateOnDuplicate([...STATE_COLUMNS, 'group_id']));
  }

  const applied = decided.map(({ episode: e, decision }) => ({
    eventId: ids.get(e.key)!,
    sendGroupId: e.row ? e.row.send_group_id : e.first.sendGroupId,
    ruleId: e.row ? e.row.rule_id : e.first.ruleId,
    startsAt: new Date(e.first.alert.startsAt),
    groupId: (e.row && !e.refired ? e.row.group_id : groups.ids.get(e.last.group.hash)) ?? null,
    decision,
  }));
  const timeline = applied.flatMap((a) =>
    a.decision.timeline.map((t) => ({ event_id: a.eventId, kind: t.kind, actor: 'alertmanager', detail: toJson(t.detail), at: t.at })),
  );
  if (timeline.length) await insertRows(trx, 'event_timeline', timeline);
  const touched = [...new Set(applied.flatMap((a) => a.groupId ?? []))];
  const closed = await settleGroups(trx, touched, applied.some((a) => a.decision.change === 'resolved'), at);
  return { applied, reopened: groups.reopened, closed };
}
