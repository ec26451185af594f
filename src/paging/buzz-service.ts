import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { isAppError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Metrics } from '../core/metrics';
import type { Buzzer, SendFailure } from '../core/ports';
import { toJson, type Db } from '../db/knex';
import { clip } from '../core/text';
import { givenUp, judgeBuzzFailure, type BuzzOutcome, type BuzzVerdict } from './buzz-errors';
import type { BuzzKind } from './model';
import { fallbackKind, type BuzzPurpose } from './plan';

/** One buzz to make once the message it rides on is sent (or now, when `messageId` is known). */
export interface BuzzIntent {
  /** Unique per purpose, message (or group) and person: planning it twice plans it once. */
  key: string;
  /** The planned send's uuid (the outbox's); null when `messageId` is given. */
  sendUuid: string | null;
  messageId: string | null;
  openId: string;
  userId: number | null;
  eventId: number | null;
  groupKey: string | null;
  purpose: BuzzPurpose;
  kind: BuzzKind;
  dueAt: Date;
  /** What decided it (planBuzz's `why`), for the timeline. */
  why: string[];
}

/** Queues the buzz jobs (BullMQ in production: src/queue/paging-jobs.ts); each id once. */
export interface PagingJobs {
  buzz(buzzes: { id: number; delayMs: number }[]): Promise<void>;
}

export interface BuzzServiceDeps {
  db: Knex;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  buzzer: Buzzer;
  jobs: PagingJobs;
}

/** `retry`: Feishu failed in a way worth another try (the job's backoff). */
export type BuzzRun = BuzzOutcome | 'retry' | 'waiting' | 'gone';

/**
 * Buzzes people on promduty's own private messages, and keeps a row per buzz with its outcome
 * (feishu_buzzes). Buzzes are planned in the transaction that plans their message, so a crash
 * loses neither; once the message is sent (`sent`), each planned buzz is queued for its due
 * time. When it runs, a buzz whose alert was acknowledged, silenced or resolved meanwhile is
 * skipped; Feishu's refusals are recorded and never retried (asking again cannot change the
 * answer); a refusal of SMS or phone for the tenant (no scope, no quota) falls back to an app
 * buzz, which the timeline says.
 */
export class BuzzService {
  constructor(private readonly d: BuzzServiceDeps) {}

  /** Records the buzzes (inside the caller's transaction); the ones already known are kept as they are. */
  async plan(db: Db, intents: BuzzIntent[]): Promise<void> {
    if (!intents.length) return;
    const now = this.d.clock.now();
    const rows = intents.map((i) => ({
      buzz_key: i.key,
      send_uuid: i.sendUuid,
      message_id: i.messageId,
      open_id: i.openId,
      user_id: i.userId,
      event_id: i.eventId,
      group_key: i.groupKey,
      purpose: i.purpose,
      kind: i.kind,
      detail: i.why.length ? clip(i.why.join(' '), 300) : null,
      due_at: i.dueAt,
      created_at: now,
    }));
    await db('feishu_buzzes').insert(rows).onConflict('buzz_key').ignore();
  }

  /** The message of these planned buzzes went out: they may be queued now (for their due time). */
  async sent(sendUuid: string, messageId: string): Promise<void> {
    await this.d.db('feishu_buzzes').where({ send_uuid: sendUuid, state: 'planned' }).whereNull('message_id').update({ message_id: messageId });
    await this.queue(this.d.db('feishu_buzzes').where({ send_uuid: sendUuid, state: 'planned' }));
  }

  /** Queues planned buzzes whose message is known (by their keys, after `plan` with a `messageId`). */
  async queueKeys(keys: string[]): Promise<void> {
    if (keys.length) await this.queue(this.d.db('feishu_buzzes').whereIn('buzz_key', keys).where({ state: 'planned' }).whereNotNull('message_id'));
  }

  private async queue(q: Knex.QueryBuilder): Promise<void> {
    const rows: { id: number; due_at: Date }[] = await q.select('id', 'due_at');
    const now = this.d.clock.now().getTime();
    await this.d.jobs.buzz(rows.map((r) => ({ id: Number(r.id), delayMs: Math.max(0, r.due_at.getTime() - now) })));
  }

  /** Runs one planned buzz (the `buzz` job). `lastAttempt`: a retryable failure is recorded as final. */
  async run(id: number, lastAttempt: boolean): Promise<BuzzRun> {
    const row = await this.d.db('feishu_buzzes').where({ id }).first();
    if (!row || row.state === 'done') return 'gone';
    if (!row.message_id) return 'waiting';
    if (!(await this.stillWanted(row))) return this.finish(row, 'skipped', null, 'acknowledged, silenced or resolved before the buzz was due');
    let invalid: string[] | undefined;
    try {
      const res = await this.d.buzzer.buzz(row.message_id, [row.open_id], row.kind);
      if (!res) return this.finish(row, 'skipped', null, 'Feishu delivery is off');
      invalid = res.invalid;
    } catch (e) {
      if (!isAppError(e) || e.code !== 'upstream_failed') throw e;
      const f = e.details as SendFailure;
      const v = judgeBuzzFailure(f, row.kind);
      if (v.retry && !lastAttempt) return 'retry';
      return this.refused(row, lastAttempt ? givenUp(v) : v, f.feishuCode, e.message);
    }
    if (invalid.includes(row.open_id)) return this.finish(row, 'invalid_user', null, 'not in the message chat');
    return this.finish(row, 'buzzed', null, null);
  }

  private async refused(row: any, v: BuzzVerdict, code: number | null, message: string): Promise<BuzzRun> {
    const outcome = await this.finish(row, v.outcome, code, message);
    const next = v.fallback ? fallbackKind(row.kind) : null;
    if (!next) return outcome;
    const key = `${row.buzz_key}>${next}`.slice(0, 160);
    await this.d.db('feishu_buzzes')
      .insert({ ...pick(row), buzz_key: key, kind: next, fallback_of: row.id, due_at: this.d.clock.now(), created_at: this.d.clock.now(), detail: `fallback from ${row.kind}: ${v.outcome}` })
      .onConflict('buzz_key')
      .ignore();
    await this.queueKeys([key]);
    return outcome;
  }

  private async finish(row: any, outcome: BuzzOutcome, code: number | null, reason: string | null): Promise<BuzzOutcome> {
    const now = this.d.clock.now();
    const detail = reason ? clip(reason, 300) : row.detail;
    await this.d.db.transaction(async (trx) => {
      const n = await trx('feishu_buzzes').where({ id: row.id, state: 'planned' }).update({ state: 'done', outcome, feishu_code: code, detail, done_at: now });
      if (!n || row.event_id === null || outcome === 'skipped') return;
      await trx('event_timeline').insert({
        event_id: row.event_id,
        kind: outcome === 'buzzed' ? 'buzzed' : 'buzz_failed',
        actor: 'promduty',
        actor_user_id: null,
        detail: toJson({ kind: row.kind, openId: row.open_id, userId: row.user_id, purpose: row.purpose, outcome, feishuCode: code, fallbackOf: row.fallback_of ?? null, reason: detail }),
        at: now,
      });
    });
    this.d.metrics.feishuBuzzes.inc({ kind: row.kind, outcome });
    const log = outcome === 'buzzed' || outcome === 'skipped' ? 'info' : 'warn';
    this.d.logger[log]({ buzz: row.id, kind: row.kind, openId: row.open_id, outcome, feishuCode: code }, `buzz ${outcome}`);
    return outcome;
  }

  /**
   * A buzz is wanted while any alert on its message still fires unacknowledged and unsilenced
   * (a digest's or a group's card stands for many); an added responder is wanted while any
   * fires at all, acknowledged or not: that is why they were added.
   */
  private async stillWanted(row: { event_id: number | null; message_id: string; purpose: BuzzPurpose }): Promise<boolean> {
    const onMessage: number[] = await this.d.db('alert_event_messages').whereIn('message_id', [row.message_id, `digest:${row.message_id}`]).pluck('event_id');
    const ids = [...new Set([...onMessage, ...(row.event_id !== null ? [row.event_id] : [])])];
    if (!ids.length) return true;
    const q = this.d.db('alert_events').whereIn('id', ids).where({ status: 'firing' });
    if (row.purpose !== 'responder') {
      q.whereNull('claimed_by').where((w) => w.whereNull('silenced_until').orWhere('silenced_until', '<=', this.d.clock.now()));
    }
    return Boolean(await q.first('id'));
  }
}

const pick = (row: any) => ({
  send_uuid: row.send_uuid,
  message_id: row.message_id,
  open_id: row.open_id,
  user_id: row.user_id,
  event_id: row.event_id,
  group_key: row.group_key,
  purpose: row.purpose,
});
