import type { Knex } from 'knex';
import { systemActor } from '../db/audit';
import type { PlannedRun } from './plan';

/** Schedules run jobs (BullMQ in production: src/queue/remedy-jobs.ts). */
export interface RemedyJobs {
  /**
   * Scheduling a run whose job is waiting, delayed or running is a no-op, so a run is executed
   * by one job at a time; a job of the run that already finished (completed, or failed for good
   * with the database away) does not stop it. True when a job was added.
   */
  schedule(runId: number, delayMs: number): Promise<boolean>;
}

/** One automatic run per action and firing episode (the event): the key makes planning it again a no-op. */
export const autoRunKey = (p: { actionId: number; eventId: number }): string => `auto:${p.actionId}:${p.eventId}`;

/** Stores planned automatic runs, queued; a run planned already stays as it is, whatever its state. */
export async function insertAutoRuns(db: Knex, planned: PlannedRun[]): Promise<void> {
  if (!planned.length) return;
  await db('remedy_runs')
    .insert(planned.map((p) => ({ action_id: p.actionId, event_id: p.eventId, dedupe_key: autoRunKey(p), trigger: 'auto', state: 'queued', requested_by_name: systemActor.name, due_at: p.dueAt })))
    .onConflict('dedupe_key')
    .ignore();
}

/** Schedules queued runs' jobs, each for its due time; returns how many needed a job. */
export async function scheduleRuns(jobs: RemedyJobs, runs: { id: number; due_at: Date }[], now: Date): Promise<number> {
  let added = 0;
  for (const r of runs) if (await jobs.schedule(r.id, Math.max(0, r.due_at.getTime() - now.getTime()))) added++;
  return added;
}
