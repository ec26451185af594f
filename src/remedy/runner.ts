import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { actionResultCard, type ActionResultView } from '../cards/action-result-card';
import type { Clock } from '../core/clock';
import { notFound } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CardSender } from '../core/ports';
import { clip } from '../core/text';
import { systemActor, writeAudit, type Actor } from '../db/audit';
import { fromJson, toJson, type Db } from '../db/knex';
import { chatCardOf } from '../events/outbox';
import type { AlertTemplateData } from '../rules/go-template-eval';
import { userError, type Locale } from '../i18n';
import type { ActionService } from './actions';
import { callHttp, type CallResult } from './http-call';
import { afterCall, autoRuns, FINAL_STATES, MAX_BACKOFF_MS, planRun, type FiredEvent, type RunState, type RunTrigger, type SkipReason } from './plan';
import { renderRequest, RenderError } from './render-request';
import { autoRunKey, insertAutoRuns, scheduleRuns, type RemedyJobs } from './queued-runs';

export interface RunnerDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  sender: CardSender;
  actions: ActionService;
  jobs: RemedyJobs;
  /** First wait before a failed call is tried again (doubling each time). */
  retryMs: number;
  /** settings.alerts.escalationMinuteMs: what an action's "after N minutes" means (tests shorten it). */
  minuteMs: number;
  /** settings.locale: the language of the result card. */
  locale: Locale;
  /** Outbound calls (tests of the runner alone may hand in another). */
  call?: typeof callHttp;
}

/** `wait`: look at the run again after afterMs (it is due later, another run holds the alert, or a retry backs off). */
export type RunOutcome = { status: 'done' } | { status: 'wait'; afterMs: number };

/**
 * A run that has not moved for this long no longer holds its alert (its worker died mid-call):
 * longer than the longest backoff between attempts, which a run holds the alert through.
 */
const STALE_MS = MAX_BACKOFF_MS + 60_000;
const HOUR_MS = 3_600_000;
/** A result whose card is still to be posted looks again after this… */
const CARD_WAIT_MS = 1000;
/** …for at most this long after the run ended; then it goes into the chat on its own. */
const CARD_WAIT_LIMIT_MS = 60_000;

/** Why an automatic run that called already makes no more attempts: after its last error, in its row and the audit log. */
const STOPPED = '; not tried again: the alert resolved';

/** Why a run was skipped, in the run's row and the audit log (the card says it in the bot's language). */
const SKIPPED: Record<SkipReason, string> = {
  action_gone: 'the action was deleted',
  action_disabled: 'the action is disabled',
  event_gone: 'the alert is gone',
  resolved: 'the alert resolved before the action was due',
  rate_limited: "the action's hourly limit of runs is reached",
  not_attached: 'the action is not attached to this alert',
};

interface RunRow {
  id: number;
  action_id: number;
  event_id: number;
  trigger: RunTrigger;
  state: RunState;
  requested_by: number | null;
  requested_by_name: string;
  due_at: Date;
  attempts: number;
  http_status: number | null;
  duration_ms: number | null;
  answer: string | null;
  error: string | null;
  finished_at: Date | null;
  reported_at: Date | null;
  updated_at: Date;
}

/**
 * Runs of remediation actions: planned when an alert fires (automatic ones) or when an editor
 * asks (button, command), executed by a job (one attempt per execution, retried with backoff by
 * putting the job back), and reported once, when final, in the alert's thread, its timeline and
 * the audit log.
 */
export class RemedyRunner {
  constructor(private readonly d: RunnerDeps) {}

  /**
   * The alert pipeline's hook: new firing episodes get their automatic runs (at most one per
   * episode and action). The pipeline hands over what it stored, so a storm costs no read-back.
   * It runs after the alerts' transaction: what a failure here loses, the sweep (sweep.ts) plans.
   */
  async onFired(events: FiredEvent[]): Promise<void> {
    if (!events.length) return;
    const triggers = await this.d.actions.triggersFor(
      [...new Set(events.flatMap((e) => e.ruleId ?? []))],
      [...new Set(events.flatMap((e) => e.sendGroupId ?? []))],
    );
    const planned = autoRuns(events, triggers, this.d.minuteMs);
    if (!planned.length) return;
    await insertAutoRuns(this.d.db, planned);
    // Scheduled again when queued already (a notification processed twice): a no-op while its job lives.
    const queued = await this.d.db('remedy_runs').whereIn('dedupe_key', planned.map(autoRunKey)).where({ state: 'queued' }).select('id', 'due_at');
    await scheduleRuns(this.d.jobs, queued, this.d.clock.now());
  }

  /**
   * An editor asks for a run now (the card's button after its confirmation, or `/actions run`).
   * Only an action the alert's rule or send group attaches; every request is a run of its own.
   */
  async request(actionId: number, eventId: number, actor: Actor, trigger: Exclude<RunTrigger, 'auto'>): Promise<{ runId: number; action: string }> {
    const event = await this.d.db('alert_events').where({ id: eventId }).first('id', 'rule_id', 'send_group_id');
    if (!event) throw notFound('alert', eventId);
    const action = await this.d.actions.stored(actionId);
    if (!action.enabled) throw userError('validation_failed', 'remedy.err.disabled', { name: action.name });
    const attached = await this.d.actions.triggersFor(event.rule_id === null ? [] : [event.rule_id], event.send_group_id === null ? [] : [event.send_group_id]);
    if (!attached.some((t) => t.actionId === actionId)) throw userError('forbidden', 'remedy.err.notAttached', { name: action.name, id: eventId });
    const runId = await this.d.db.transaction(async (trx) => {
      const [id] = (await trx('remedy_runs').insert({
        action_id: actionId,
        event_id: eventId,
        dedupe_key: `${trigger}:${randomUUID()}`,
        trigger,
        state: 'queued',
        requested_by: actor.userId ?? null,
        requested_by_name: clip(actor.name, 128),
        due_at: this.d.clock.now(),
      })) as [number];
      await writeAudit(trx, actor, { action: 'request_run', entity: 'action', entityId: actionId, after: { runId: id, eventId, trigger } });
      return id;
    });
    await this.d.jobs.schedule(runId, 0);
    return { runId, action: action.name };
  }

  /** The actions an alert's card offers as buttons. */
  async buttonsOf(eventId: number): Promise<{ id: number; name: string }[]> {
    const e = await this.d.db('alert_events').where({ id: eventId }).first('rule_id', 'send_group_id');
    return e ? this.d.actions.buttonsFor({ ruleId: e.rule_id, sendGroupId: e.send_group_id }) : [];
  }

  /** One execution of a run's job. */
  async execute(runId: number): Promise<RunOutcome> {
    const now = this.d.clock.now();
    const decided = await this.d.db.transaction(async (trx) => {
      const run = (await trx('remedy_runs').where({ id: runId }).forUpdate().first()) as RunRow | undefined;
      if (!run) return { plan: { do: 'done' as const }, run: null };
      const action = await trx('remedy_actions').where({ id: run.action_id }).forUpdate().first('enabled', 'max_runs_per_hour');
      const event = await trx('alert_events').where({ id: run.event_id }).forUpdate().first('status');
      const [running] = await trx('remedy_runs')
        .where({ event_id: run.event_id })
        .whereNot({ id: run.id })
        .whereIn('state', ['running', 'retrying'])
        .where('updated_at', '>', new Date(now.getTime() - STALE_MS))
        .count({ n: '*' });
      const [started] = await trx('remedy_runs').where({ action_id: run.action_id }).where('started_at', '>', new Date(now.getTime() - HOUR_MS)).count({ n: '*' });
      const plan = planRun({
        now,
        run: { trigger: run.trigger, state: run.state, dueAt: run.due_at, updatedAt: run.updated_at },
        action: action ? { enabled: Boolean(action.enabled), maxRunsPerHour: action.max_runs_per_hour } : null,
        event: event ? { status: event.status } : null,
        othersRunning: Number(running?.n ?? 0),
        startedLastHour: Number(started?.n ?? 0),
      });
      if (plan.do === 'skip') {
        await this.finish(trx, run, { state: 'skipped', error: SKIPPED[plan.reason] }, now);
      } else if (plan.do === 'stop') {
        // It did call: the thread and the timeline say how that went, and why no more attempts.
        await this.finish(trx, run, { state: 'failed', error: `${clip(run.error ?? 'the call did not finish', 500 - STOPPED.length)}${STOPPED}` }, now);
      } else if (plan.do === 'run') {
        run.attempts += 1;
        await trx('remedy_runs')
          .where({ id: run.id })
          .update({ state: 'running', attempts: run.attempts, started_at: trx.raw('COALESCE(started_at, ?)', [now]), updated_at: now });
      }
      return { plan, run };
    });
    const { plan, run } = decided;
    if (!run || plan.do === 'wait') return plan.do === 'wait' ? { status: 'wait', afterMs: plan.afterMs } : { status: 'done' };
    if (plan.do === 'run') {
      const wait = await this.attempt(run);
      if (wait) return wait;
    }
    return this.report(runId);
  }

  /** One call; the run left retrying (and the wait returned) or final. */
  private async attempt(run: RunRow): Promise<RunOutcome | null> {
    const action = await this.d.actions.stored(run.action_id);
    let result: CallResult;
    let retryable = true;
    try {
      const req = renderRequest(action, await this.templateData(run.event_id), {
        id: run.id,
        attempt: run.attempts,
        timestampSeconds: Math.floor(this.d.clock.now().getTime() / 1000),
      });
      result = await (this.d.call ?? callHttp)(req, action.timeoutMs);
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      // The same alert renders the same way every time: trying again cannot help.
      result = { ok: false, status: null, durationMs: 0, answer: '', error: e.message };
      retryable = false;
    }
    const next = afterCall(result.ok, run.attempts, retryable ? action.retries : 0, this.d.retryMs);
    const fields = { http_status: result.status, duration_ms: result.durationMs, answer: result.answer || null, error: result.error ? clip(result.error, 500) : null };
    const now = this.d.clock.now();
    this.d.logger.info({ runId: run.id, action: action.name, eventId: run.event_id, attempt: run.attempts, status: result.status, outcome: next.state }, 'action called');
    if (next.state === 'retrying') {
      await this.d.db('remedy_runs').where({ id: run.id }).update({ ...fields, state: 'retrying', updated_at: now });
      return { status: 'wait', afterMs: next.afterMs };
    }
    await this.d.db.transaction((trx) => this.finish(trx, { ...run, ...fields }, { state: next.state, error: fields.error }, now));
    return null;
  }

  /** A run's final state, its timeline row and its audit row: one transaction. */
  private async finish(trx: Db, run: RunRow, end: { state: 'succeeded' | 'failed' | 'skipped'; error: string | null }, now: Date): Promise<void> {
    const fields = { http_status: run.http_status, duration_ms: run.duration_ms, answer: run.answer };
    await trx('remedy_runs').where({ id: run.id }).update({ ...fields, state: end.state, error: end.error, finished_at: now, updated_at: now });
    const action = await trx('remedy_actions').where({ id: run.action_id }).first('name');
    const detail = { runId: run.id, action: action?.name ?? `#${run.action_id}`, trigger: run.trigger, state: end.state, attempts: run.attempts, httpStatus: run.http_status, durationMs: run.duration_ms, error: end.error };
    await trx('event_timeline').insert({ event_id: run.event_id, kind: 'action', actor_user_id: run.requested_by, actor: run.requested_by_name, detail: toJson(detail), at: now });
    const actor: Actor = run.requested_by === null ? systemActor : { kind: 'user', name: run.requested_by_name, userId: run.requested_by };
    await writeAudit(trx, actor, { action: 'run', entity: 'action', entityId: run.action_id, after: { ...detail, eventId: run.event_id } });
  }

  /**
   * Posts a final run in the thread of the alert's card (its group's card), once: Feishu's uuid
   * drops a repeat. `wait` while that card is still to be posted (an automatic run due at once
   * ends before the delivery round that posts the card).
   */
  private async report(runId: number): Promise<RunOutcome> {
    const run = (await this.d.db('remedy_runs').where({ id: runId }).first()) as RunRow | undefined;
    if (!run || run.reported_at || !FINAL_STATES.includes(run.state)) return { status: 'done' };
    // An automatic run skipped because the alert resolved first is in the timeline; the thread needs no word of it.
    const quiet = run.trigger === 'auto' && run.state === 'skipped' && run.error === SKIPPED.resolved;
    if (!quiet && (await this.post(run)) === 'card pending') return { status: 'wait', afterMs: CARD_WAIT_MS };
    await this.d.db('remedy_runs').where({ id: runId }).update({ reported_at: this.d.clock.now() });
    return { status: 'done' };
  }

  private async post(run: RunRow): Promise<'posted' | 'card pending' | 'nowhere'> {
    const event = await this.d.db('alert_events').where({ id: run.event_id }).first('id', 'alertname', 'send_group_id');
    const group = event?.send_group_id == null ? null : await this.d.db('send_groups').where({ id: event.send_group_id }).first('feishu_chat_id');
    const chatId: string | null = group?.feishu_chat_id ?? null;
    if (!event || !chatId) return 'nowhere';
    const where = await chatCardOf(this.d.db, event.id, chatId);
    const waited = this.d.clock.now().getTime() - (run.finished_at ?? this.d.clock.now()).getTime();
    if (where.pending && waited < CARD_WAIT_LIMIT_MS) return 'card pending';
    const action = await this.d.db('remedy_actions').where({ id: run.action_id }).first('name');
    const stopped = run.state === 'failed' && Boolean(run.error?.endsWith(STOPPED));
    const view: ActionResultView = {
      action: action?.name ?? `#${run.action_id}`,
      eventId: event.id,
      alertname: event.alertname,
      trigger: run.trigger,
      requestedBy: run.requested_by === null ? null : run.requested_by_name,
      state: run.state as ActionResultView['state'],
      attempts: run.attempts,
      httpStatus: run.http_status,
      durationMs: run.duration_ms,
      answer: run.answer,
      error: stopped ? run.error!.slice(0, -STOPPED.length) : run.error,
      stopped,
      skipped: run.state === 'skipped' ? ((Object.keys(SKIPPED) as SkipReason[]).find((k) => SKIPPED[k] === run.error) ?? null) : null,
    };
    const card = actionResultCard(view, this.d.locale);
    const uuid = `remedy-run-${run.id}`;
    if (where.replyTo) await this.d.sender.reply(where.replyTo, { card }, uuid);
    else await this.d.sender.sendToChat(chatId, card, uuid);
    return 'posted';
  }

  private async templateData(eventId: number): Promise<AlertTemplateData> {
    const e = await this.d.db('alert_events').where({ id: eventId }).first();
    if (!e) throw new RenderError(`alert #${eventId} is gone`);
    return {
      Labels: fromJson<Record<string, string>>(e.labels, {}),
      Annotations: fromJson<Record<string, string>>(e.annotations, {}),
      Status: e.status,
      StartsAt: (e.starts_at as Date).toISOString(),
      Fingerprint: e.fingerprint,
      GeneratorURL: e.generator_url ?? '',
      EventID: e.id,
    };
  }
}
