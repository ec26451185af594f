import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { ActionService } from './actions';
import { lateAutoRuns, type StoredFiring } from './plan';
import { autoRunKey, insertAutoRuns, scheduleRuns, type RemedyJobs } from './queued-runs';

/**
 * How far back the sweep plans automatic runs: alerts that first fired within this and still
 * fire. Long enough to outlast a MariaDB or Redis outage the pipeline's own retries ride out;
 * bounded so an action is never started for an alert long after the fact.
 */
export const SWEEP_WINDOW_MS = 15 * 60_000;

export interface SweepDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  actions: ActionService;
  jobs: RemedyJobs;
  /** settings.alerts.escalationMinuteMs, as the runner's. */
  minuteMs: number;
}

/**
 * The repeatable `remedy-sweep`: what the pipeline's hook (RemedyRunner.onFired, after the
 * alerts' transaction) or a run's scheduling lost. Plans the automatic runs of recently fired
 * alerts that have none (the hook failed, or the process died after the commit), then schedules
 * every queued run whose job is gone (Redis away while scheduling, a job that gave up). Both
 * steps are no-ops for what is in place: runs are keyed per action and episode, jobs per run.
 */
export class RemedySweep {
  constructor(private readonly d: SweepDeps) {}

  async run(): Promise<{ planned: number; scheduled: number }> {
    const now = this.d.clock.now();
    const planned = await this.plan(now);
    const queued = await this.d.db('remedy_runs').where({ state: 'queued' }).select('id', 'due_at');
    const scheduled = await scheduleRuns(this.d.jobs, queued, now);
    if (planned || scheduled) this.d.logger.warn({ planned, scheduled }, 'remediation runs lost after their alert was stored: planned and scheduled by the sweep');
    return { planned, scheduled };
  }

  /** Plans the runs recent alerts are missing; returns how many were. */
  private async plan(now: Date): Promise<number> {
    // Most installs attach no automatic action: then there is nothing to look at.
    if (!(await this.d.db('remedy_triggers').where({ mode: 'auto' }).first('id'))) return 0;
    const rows = await this.d.db('alert_events')
      .where({ status: 'firing' })
      .where('first_seen_at', '>=', new Date(now.getTime() - SWEEP_WINDOW_MS))
      .select('id', 'rule_id', 'send_group_id', 'starts_at', 'first_seen_at');
    if (!rows.length) return 0;
    const events: StoredFiring[] = rows.map((r: any) => ({ eventId: r.id, ruleId: r.rule_id, sendGroupId: r.send_group_id, startsAt: r.starts_at, firstSeenAt: r.first_seen_at }));
    const triggers = await this.d.actions.triggersFor(
      [...new Set(events.flatMap((e) => e.ruleId ?? []))],
      [...new Set(events.flatMap((e) => e.sendGroupId ?? []))],
    );
    const planned = lateAutoRuns(events, triggers, this.d.minuteMs);
    if (!planned.length) return 0;
    const have = new Set<string>(await this.d.db('remedy_runs').whereIn('dedupe_key', planned.map(autoRunKey)).pluck('dedupe_key'));
    const missing = planned.filter((p) => !have.has(autoRunKey(p)));
    await insertAutoRuns(this.d.db, missing);
    return missing.length;
  }
}
