/**
 * When an action runs, as pure functions of plain data (test/unit/remedy-plan.test.ts): which
 * automatic runs a fired alert gets, whether a queued run goes now, waits or is skipped, and
 * what a failed call leads to. The runner (runner.ts) reads the rows these decide on inside one
 * transaction that locks the action and the event, so two workers never both decide "run".
 */
import { ACTION_LIMITS } from './action-schema';

export type RunTrigger = 'auto' | 'button' | 'command';
export type RunState = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';
export const FINAL_STATES: readonly RunState[] = ['succeeded', 'failed', 'skipped'];

export interface TriggerRow {
  actionId: number;
  ruleId: number | null;
  sendGroupId: number | null;
  mode: 'auto' | 'button';
  afterMinutes: number;
}

export interface FiredEvent {
  eventId: number;
  ruleId: number | null;
  sendGroupId: number | null;
  /** When the alert started firing (Prometheus' startsAt). */
  startsAt: Date;
}

export interface PlannedRun {
  eventId: number;
  actionId: number;
  /** When it may run: startsAt + afterMinutes (in the past: now). */
  dueAt: Date;
}

const attaches = (t: TriggerRow, e: { ruleId: number | null; sendGroupId: number | null }): boolean =>
  (t.ruleId !== null && t.ruleId === e.ruleId) || (t.sendGroupId !== null && t.sendGroupId === e.sendGroupId);

/**
 * The automatic runs of newly fired alerts: one per alert and action, whichever of its rule
 * and send group attach it (attached by both, the shorter wait wins).
 */
export function autoRuns(events: FiredEvent[], triggers: TriggerRow[], minuteMs = 60_000): PlannedRun[] {
  const out = new Map<string, PlannedRun>();
  for (const e of events) {
    for (const t of triggers) {
      if (t.mode !== 'auto' || !attaches(t, e)) continue;
      const dueAt = new Date(e.startsAt.getTime() + t.afterMinutes * minuteMs);
      const key = `${e.eventId}:${t.actionId}`;
      const had = out.get(key);
      if (!had || dueAt < had.dueAt) out.set(key, { eventId: e.eventId, actionId: t.actionId, dueAt });
    }
  }
  return [...out.values()];
}

/** A trigger with when its action last changed: triggers change only with their action (replaced as a whole). */
export interface DatedTrigger extends TriggerRow {
  actionChangedAt: Date;
}

/** An alert stored a while ago, still firing, with when promduty first saw it fire. */
export interface StoredFiring extends FiredEvent {
  firstSeenAt: Date;
}

/**
 * The automatic runs alerts stored a while ago should have (the sweep's, for plans lost after
 * the alert was stored): as autoRuns, but only by actions unchanged since the alert fired. An
 * action attached (or edited) since is not applied to an alert that fired before it: it was not
 * part of that alert's plan. An action changed for another reason is left out too; the price of
 * not keeping when each trigger was made.
 */
export function lateAutoRuns(events: StoredFiring[], triggers: DatedTrigger[], minuteMs = 60_000): PlannedRun[] {
  return events.flatMap((e) => autoRuns([e], triggers.filter((t) => t.actionChangedAt.getTime() <= e.firstSeenAt.getTime()), minuteMs));
}

/** The actions offered as buttons on an alert's card: attached by its rule or its send group, enabled, by name. */
export function buttonActions<A extends { id: number; name: string; enabled: boolean }>(
  event: { ruleId: number | null; sendGroupId: number | null },
  triggers: TriggerRow[],
  actions: A[],
  max = 5,
): A[] {
  const ids = new Set(triggers.filter((t) => t.mode === 'button' && attaches(t, event)).map((t) => t.actionId));
  return actions.filter((a) => a.enabled && ids.has(a.id)).sort((a, b) => a.name.localeCompare(b.name)).slice(0, max);
}

export type SkipReason = 'action_gone' | 'action_disabled' | 'event_gone' | 'resolved' | 'rate_limited' | 'not_attached';

export interface RunCheck {
  now: Date;
  /** updatedAt: when the run last moved (began a call, backed off). */
  run: { trigger: RunTrigger; state: RunState; dueAt: Date; updatedAt: Date };
  action: { enabled: boolean; maxRunsPerHour: number } | null;
  event: { status: 'firing' | 'resolved' } | null;
  /** Runs of other actions (or other runs) on this alert holding it now. */
  othersRunning: number;
  /** Runs of this action that started within the last hour. */
  startedLastHour: number;
}

/** `stop`: an automatic run that called already (backing off after a failure, or taken over) and whose alert resolved: no more attempts, it ends failed. */
export type RunPlan = { do: 'done' } | { do: 'run' } | { do: 'wait'; afterMs: number } | { do: 'skip'; reason: SkipReason } | { do: 'stop' };

/** How long a run waits for another one on the same alert to finish before it looks again. */
export const BUSY_WAIT_MS = 2000;

/**
 * A run found `running` that moved less than this ago is being called by another execution of
 * its job (BullMQ hands a job whose lock lapsed mid-call, a Redis blip say, to another worker):
 * the longest call plus time to record its end. Only a run older than that is taken over (its
 * worker died mid-call), so one run never has two calls at once.
 */
export const IN_FLIGHT_MS = ACTION_LIMITS.timeoutMs.max + 30_000;

/**
 * Whether a run goes now. A run already finished is done (a job queued twice, a retry after a
 * crash); a retrying run goes on regardless of the hourly limit (it was counted when it began).
 * An automatic run needs the alert still firing when it is due, and for each retry; a button
 * run is the person's call, resolved or not. A call under way is never cut short (it cannot be
 * unsent): its run is left to the execution making it.
 */
export function planRun(c: RunCheck): RunPlan {
  const { run } = c;
  if (FINAL_STATES.includes(run.state)) return { do: 'done' };
  const calling = run.state === 'running' ? run.updatedAt.getTime() + IN_FLIGHT_MS - c.now.getTime() : 0;
  if (calling > 0) return { do: 'wait', afterMs: calling };
  if (!c.action) return { do: 'skip', reason: 'action_gone' };
  if (!c.action.enabled) return { do: 'skip', reason: 'action_disabled' };
  if (!c.event) return { do: 'skip', reason: 'event_gone' };
  const due = run.dueAt.getTime() - c.now.getTime();
  if (due > 0) return { do: 'wait', afterMs: due };
  if (run.trigger === 'auto' && c.event.status !== 'firing') return run.state === 'queued' ? { do: 'skip', reason: 'resolved' } : { do: 'stop' };
  if (c.othersRunning > 0) return { do: 'wait', afterMs: BUSY_WAIT_MS };
  if (run.state === 'queued' && c.startedLastHour >= c.action.maxRunsPerHour) return { do: 'skip', reason: 'rate_limited' };
  return { do: 'run' };
}

/** The longest wait between two attempts. */
export const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * After a call: succeeded, or another attempt after `retryMs` doubling (attempt n waits
 * retryMs·2^(n-1)), or failed for good once `retries` more attempts have been spent. Never more:
 * a failure is reported once, not looped.
 */
export function afterCall(ok: boolean, attempts: number, retries: number, retryMs: number): { state: 'succeeded' | 'failed' } | { state: 'retrying'; afterMs: number } {
  if (ok) return { state: 'succeeded' };
  if (attempts > retries) return { state: 'failed' };
  return { state: 'retrying', afterMs: Math.min(MAX_BACKOFF_MS, retryMs * 2 ** (attempts - 1)) };
}
