import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { GroupCommit, IsolatedFailure } from '../core/group-commit';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { DeadLetterStore } from './dead-letters';
import type { Destinations } from './destinations';
import { applyBatch, type AppliedBatch, type PreparedAlert } from './event-store';
import { groupRef } from './group-store';
import type { AlertJobs } from './jobs';
import { messagesOfEvents } from './outbox';
import { failureKind, failureText, settle, unwrap, type StoreOutcome } from './store-failures';
import type { Change } from './transition';
import type { AlertBatch, BatchAlert } from './webhook';
import type { FiredEvent } from '../remedy/plan';

export interface ProcessorDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  destinations: Destinations;
  jobs: AlertJobs;
  /** settings.alerts.dedupWindowMs */
  dedupWindowMs: number;
  deadLetters: DeadLetterStore;
  /** Remediation actions (src/remedy): told of new firing episodes, to plan their automatic runs. */
  remedy?: { onFired(events: FiredEvent[]): Promise<void> };
}

export interface ProcessResult {
  events: number;
  changes: Partial<Record<Change, number>>;
  /** Alerts stored without anywhere to send them (no such send group, no default). */
  undeliverable: number;
}

/** A notification of an `alerts` job, by its place in the job (what its dead letter is keyed on). */
export interface JobNotification {
  position: number;
  batch: AlertBatch;
}

/** One run of an `alerts` job. */
export interface JobRun {
  jobId: string;
  /** Runs so far, this one included (BullMQ's attempts made + 1). */
  attempt: number;
  /** The job will not run again if this run fails. */
  finalAttempt: boolean;
  /** An earlier run of the job may have kept some of its notifications as dead letters already. */
  ranBefore: boolean;
}

/** `retry`: run the job again later; `unavailable` when only the database being away held it up. */
export type JobOutcome =
  | { status: 'done'; stored: number; deadLettered: number }
  | { status: 'retry'; error: unknown; unavailable: boolean };

// The display columns (VARCHAR counts code points); the labels keep the whole value.
const ALERTNAME_MAX = 200;
const SEVERITY_MAX = 32;
const cut = (s: string, max: number): string => (s.length <= max ? s : Array.from(s).slice(0, max).join(''));
/** Alerts one transaction takes at most when notifications are stored together (a bigger one goes alone). */
export const ALERTS_PER_WRITE = 2000;
/**
 * A notification weighs its alerts, or its text (UTF-16 units) in units of this when that is
 * more: a write of 2,000 weights holds at most 4 M characters, under MariaDB's default 16 MB
 * max_allowed_packet per statement even as 3-byte UTF-8, while ordinary alerts (a few hundred
 * characters) weigh just their count. A statement over the limit does not fail cleanly: the
 * server drops the connection.
 */
const TEXT_PER_WEIGHT = 2048;
const textOf = (m: Record<string, string> | undefined): number => {
  let n = 0;
  for (const k in m) n += k.length + (m[k]?.length ?? 0);
  return n;
};
function weightOf(n: AlertBatch): number {
  const alerts = n.alerts ?? [];
  let text = 0;
  for (const a of alerts) text += (a.generatorURL?.length ?? 0) + textOf(a.labels) + textOf(a.annotations);
  return Math.max(alerts.length, Math.ceil(text / TEXT_PER_WEIGHT));
}
const newEscalationId = (): string => randomBytes(8).toString('hex');
const ruleIdOf = (a: BatchAlert): number | null => (/^[1-9]\d{0,9}$/.test(a.labels.rule_id ?? '') ? Number(a.labels.rule_id) : null);

/**
 * The worker side of the webhook: the notifications queued together → their events
 * (idempotent, one transaction for all of them) → the follow-up work. Delivery is asked of
 * every send group the notifications touched even when nothing changed: a run after a crash
 * between commit and enqueue then still delivers, and a delivery with nothing waiting costs
 * one query.
 */
export class AlertProcessor {
  /**
   * Notifications that arrive while transactions are in flight (the worker runs several jobs
   * at once) are stored together in the next one: fewer round trips and follow-up requests
   * per alert under load. Two at a time, so the database works on one while the next is
   * prepared. If a shared transaction fails, its halves are tried again, down to single
   * notifications, so one bad notification fails alone and the others are stored (not when
   * the database is away: that would only fail once per notification).
   */
  private readonly commits = new GroupCommit<AlertBatch, ProcessResult>(
    async (notifications) => {
      const result = await this.processNow([...notifications].sort((a, b) => a.receivedAt - b.receivedAt));
      return notifications.map(() => result);
    },
    // quickFirst: a storm's first notification is stored (and its card planned) on its own,
    // not after the first 2,000-alert write.
    { maxWeight: ALERTS_PER_WRITE, weight: weightOf, maxInFlight: 2, quickFirst: true, isolateFailures: (e) => failureKind(e) !== 'unavailable' },
  );

  constructor(private readonly d: ProcessorDeps) {}

  /**
   * Stores notifications: one outcome each, in order. A result is that of the transaction the
   * notification went in (shared with those stored alongside); `alone` marks a failure in a
   * transaction of its own while others of its shared one were stored.
   */
  store(notifications: AlertBatch[]): Promise<StoreOutcome<ProcessResult>[]> {
    return Promise.all(
      notifications.map((n) =>
        this.commits.submit(n).then(
          (result) => ({ ok: true as const, result }),
          (e: unknown) => ({ ok: false as const, error: unwrap(e), alone: e instanceof IsolatedFailure }),
        ),
      ),
    );
  }

  /**
   * One run of an `alerts` job: store its notifications; keep each that cannot be stored, and
   * will not be by trying again, as a dead letter (store-failures.ts says which), and have it
   * announced. Never throws: what cannot be settled now comes back as `retry`.
   */
  async runJob(run: JobRun, notifications: JobNotification[]): Promise<JobOutcome> {
    try {
      const kept = run.ranBefore ? await this.d.deadLetters.positionsOf(run.jobId) : new Set<number>();
      const todo = notifications.filter((n) => !kept.has(n.position));
      const outcomes = await this.store(todo.map((n) => n.batch));
      const { deadLetter, retry } = settle(outcomes, run.finalAttempt);
      const letters = deadLetter.map((i) => ({ ...todo[i]!, error: (outcomes[i] as { error: unknown }).error, attempts: run.attempt }));
      if (letters.length) {
        await this.d.deadLetters.keep(run.jobId, letters);
        this.d.logger.error(
          { jobId: run.jobId, positions: letters.map((l) => l.position), errors: letters.map((l) => failureText(l.error).slice(0, 300)) },
          'alert notifications could not be stored: kept as dead letters (GET /api/v1/alerts/dead-letters)',
        );
      }
      // Also when an earlier run kept them and stopped before asking: announcing twice is folded.
      if (letters.length || kept.size) await this.d.jobs.announceDeadLetters();
      if (retry) return { status: 'retry', ...retry };
      return { status: 'done', stored: outcomes.filter((o) => o.ok).length, deadLettered: letters.length + kept.size };
    } catch (e) {
      return { status: 'retry', error: e, unavailable: failureKind(e) === 'unavailable' };
    }
  }

  private async processNow(notifications: AlertBatch[]): Promise<ProcessResult> {
    for (const n of notifications) {
      if (n.truncatedAlerts > 0) {
        this.d.logger.warn({ groupKey: n.groupKey, truncated: n.truncatedAlerts }, 'Alertmanager truncated this notification (max_alerts)');
      }
    }
    const prepared = await this.prepare(notifications);
    if (!prepared.length) return { events: 0, changes: {}, undeliverable: 0 };
    const batch = await applyBatch(this.d.db, prepared, { now: this.d.clock.now(), dedupWindowMs: this.d.dedupWindowMs, newEscalationId });
    const { applied } = batch;
    const changes: Partial<Record<Change, number>> = {};
    for (const a of applied) {
      changes[a.decision.change] = (changes[a.decision.change] ?? 0) + 1;
      this.d.metrics.alertEvents.inc({ change: a.decision.change });
    }
    const undeliverable = [...new Set(applied.filter((a) => a.sendGroupId === null).map((a) => a.eventId))];
    if (undeliverable.length) {
      this.d.logger.warn({ events: undeliverable }, 'alerts stored but not sent: no such send group and no default send group');
    }
    await this.followUp(batch);
    return { events: new Set(applied.map((a) => a.eventId)).size, changes, undeliverable: undeliverable.length };
  }

  private async prepare(notifications: AlertBatch[]): Promise<PreparedAlert[]> {
    const alerts = notifications.flatMap((n) => {
      const receivedAt = new Date(n.receivedAt);
      const group = groupRef(n);
      return n.alerts.map((alert) => ({ alert, receivedAt, group }));
    });
    const known = await this.d.destinations.knownRules(alerts.flatMap(({ alert }) => ruleIdOf(alert) ?? []));
    return Promise.all(
      alerts.map(async ({ alert, receivedAt, group }) => {
        const route = await this.d.destinations.forLabel(alert.labels.send_group);
        const ruleId = ruleIdOf(alert);
        const escalation = route.dest?.escalation;
        return {
          alert,
          receivedAt,
          alertname: cut(alert.labels.alertname ?? '', ALERTNAME_MAX),
          severity: alert.labels.severity === undefined ? null : cut(alert.labels.severity, SEVERITY_MAX),
          ruleId: ruleId !== null && known.has(ruleId) ? ruleId : null,
          sendGroupId: route.dest?.sendGroupId ?? null,
          repeatIntervalMs: route.repeatIntervalMs,
          escalates: Boolean(escalation?.enabled && escalation.levels.length),
          group,
        };
      }),
    );
  }

  private async followUp({ applied, reopened }: AppliedBatch): Promise<void> {
    const groups = [...new Set(applied.flatMap((a) => a.sendGroupId ?? []))];
    await this.d.jobs.deliver(groups);
    // What remediation plans by is known here: handed over, not read back (issue 15).
    const fired = [
      ...new Map(
        applied
          .filter((a) => a.decision.change === 'fired' || a.decision.change === 'refired')
          .map((a): [number, FiredEvent] => [a.eventId, { eventId: a.eventId, ruleId: a.ruleId, sendGroupId: a.sendGroupId, startsAt: a.startsAt }]),
      ).values(),
    ];
    if (fired.length && this.d.remedy) {
      // The alerts are stored; a failure to plan their actions must not fail the notification's job:
      // the remedy sweep (src/remedy/sweep.ts) plans them within its interval.
      await this.d.remedy.onFired(fired).catch((err: unknown) => this.d.logger.error({ err, events: fired.map((f) => f.eventId) }, 'remediation actions not planned yet (the remedy sweep plans them)'));
    }
    // A reopened group's card shows it firing again: its lead event's messages are the group's.
    const reopenedLeads = reopened.length ? (await this.d.db('alert_groups').whereIn('id', reopened).whereNotNull('lead_event_id').pluck('lead_event_id')).map(Number) : [];
    const refresh = [...new Set([...applied.filter((a) => a.decision.refresh).map((a) => a.eventId), ...reopenedLeads])];
    if (refresh.length) await this.d.jobs.patch(await messagesOfEvents(this.d.db, refresh));
  }
}
