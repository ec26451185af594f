import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { GroupCommit } from '../core/group-commit';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { Destinations } from './destinations';
import { applyBatch, type Applied, type PreparedAlert } from './event-store';
import type { AlertJobs } from './jobs';
import { messagesOfEvents } from './outbox';
import type { Change } from './transition';
import type { AlertBatch, BatchAlert } from './webhook';

export interface ProcessorDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  destinations: Destinations;
  jobs: AlertJobs;
  /** settings.alerts.dedupWindowMs */
  dedupWindowMs: number;
}

export interface ProcessResult {
  events: number;
  changes: Partial<Record<Change, number>>;
  /** Alerts stored without anywhere to send them (no such send group, no default). */
  undeliverable: number;
}

const ALERTNAME_MAX = 200;
/** Alerts one transaction takes at most when jobs are stored together (a bigger job goes alone). */
export const ALERTS_PER_WRITE = 2000;
const alertsIn = (notifications: AlertBatch[]): number => notifications.reduce((n, b) => n + b.alerts.length, 0);
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
   * Jobs that arrive while transactions are in flight (the worker runs several at once) are
   * stored together in the next one: fewer round trips and follow-up requests per alert under
   * load. Two at a time, so the database works on one while the next is prepared. If a shared
   * transaction fails, each job is tried again on its own, so one bad job fails alone.
   */
  private readonly commits = new GroupCommit<AlertBatch[], ProcessResult>(
    async (jobs) => {
      const result = await this.processNow(jobs.flat().sort((a, b) => a.receivedAt - b.receivedAt));
      return jobs.map(() => result);
    },
    { maxWeight: ALERTS_PER_WRITE, weight: alertsIn, maxInFlight: 2, isolateFailures: true },
  );

  constructor(private readonly d: ProcessorDeps) {}

  /** Stores one job's notifications; the result is that of the transaction they went in (shared with jobs stored alongside). */
  process(notifications: AlertBatch[]): Promise<ProcessResult> {
    return this.commits.submit(notifications);
  }

  private async processNow(notifications: AlertBatch[]): Promise<ProcessResult> {
    for (const n of notifications) {
      if (n.truncatedAlerts > 0) {
        this.d.logger.warn({ groupKey: n.groupKey, truncated: n.truncatedAlerts }, 'Alertmanager truncated this notification (max_alerts)');
      }
    }
    const prepared = await this.prepare(notifications);
    if (!prepared.length) return { events: 0, changes: {}, undeliverable: 0 };
    const applied = await applyBatch(this.d.db, prepared, { now: this.d.clock.now(), dedupWindowMs: this.d.dedupWindowMs, newEscalationId });
    const changes: Partial<Record<Change, number>> = {};
    for (const a of applied) {
      changes[a.decision.change] = (changes[a.decision.change] ?? 0) + 1;
      this.d.metrics.alertEvents.inc({ change: a.decision.change });
    }
    const undeliverable = [...new Set(applied.filter((a) => a.sendGroupId === null).map((a) => a.eventId))];
    if (undeliverable.length) {
      this.d.logger.warn({ events: undeliverable }, 'alerts stored but not sent: no such send group and no default send group');
    }
    await this.followUp(applied);
    return { events: new Set(applied.map((a) => a.eventId)).size, changes, undeliverable: undeliverable.length };
  }

  private async prepare(notifications: AlertBatch[]): Promise<PreparedAlert[]> {
    const alerts = notifications.flatMap((n) => {
      const receivedAt = new Date(n.receivedAt);
      return n.alerts.map((alert) => ({ alert, receivedAt }));
    });
    const known = await this.d.destinations.knownRules(alerts.flatMap(({ alert }) => ruleIdOf(alert) ?? []));
    return Promise.all(
      alerts.map(async ({ alert, receivedAt }) => {
        const route = await this.d.destinations.forLabel(alert.labels.send_group);
        const ruleId = ruleIdOf(alert);
        const escalation = route.dest?.escalation;
        return {
          alert,
          receivedAt,
          alertname: Array.from(alert.labels.alertname ?? '').slice(0, ALERTNAME_MAX).join(''),
          severity: alert.labels.severity?.slice(0, 32) ?? null,
          ruleId: ruleId !== null && known.has(ruleId) ? ruleId : null,
          sendGroupId: route.dest?.sendGroupId ?? null,
          repeatIntervalMs: route.repeatIntervalMs,
          escalates: Boolean(escalation?.enabled && escalation.levels.length),
        };
      }),
    );
  }

  private async followUp(applied: Applied[]): Promise<void> {
    const groups = [...new Set(applied.flatMap((a) => a.sendGroupId ?? []))];
    await this.d.jobs.deliver(groups);
    const refresh = [...new Set(applied.filter((a) => a.decision.refresh).map((a) => a.eventId))];
    if (refresh.length) await this.d.jobs.patch(await messagesOfEvents(this.d.db, refresh));
  }
}
