import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { notFound } from '../core/errors';
import type { Actor } from '../db/audit';
import { writeAudit } from '../db/audit';
import { failureKind, failureText } from './store-failures';
import { insertRows } from './sql';
import { toWebhookBody, type AlertBatch } from './webhook';

/** A notification to keep: where it was in its job, and why it could not be stored. */
export interface DeadLetterInput {
  position: number;
  batch: AlertBatch;
  error: unknown;
  /** Runs of its job so far, this one included. */
  attempts: number;
}

export type DeadLetterState = 'open' | 'replayed' | 'discarded';

/** A dead letter as the API lists it. */
export interface DeadLetter {
  id: number;
  state: DeadLetterState;
  receivedAt: Date;
  groupKey: string;
  receiver: string;
  alerts: number;
  error: string;
  /** How the failure was judged (src/events/store-failures.ts). */
  errorKind: string;
  /** Runs of its job, then replays tried. */
  attempts: number;
  jobId: string;
  position: number;
  createdAt: Date;
  announcedAt: Date | null;
  replayedAt: Date | null;
  discardedAt: Date | null;
}

export interface DeadLetterDetail extends DeadLetter {
  /** The notification as Alertmanager's v4 body (the fields promduty reads). */
  payload: ReturnType<typeof toWebhookBody>;
}

/** A stored dead letter with its notification as it was queued. */
export interface KeptLetter extends DeadLetter {
  batch: AlertBatch;
}

const TABLE = 'alert_dead_letters';
const LIST_MAX = 1000;
/** Cut by code points, as a VARCHAR counts them. */
const cut = (s: string, max: number): string => (s.length <= max ? s : Array.from(s).slice(0, max).join(''));
const stateOf = (r: any): DeadLetterState => (r.replayed_at ? 'replayed' : r.discarded_at ? 'discarded' : 'open');
const LIST_COLUMNS = [
  'id', 'job_id', 'position', 'received_at', 'group_key', 'receiver', 'alert_count', 'error', 'error_kind', 'attempts',
  'created_at', 'announced_at', 'replayed_at', 'discarded_at',
];

function view(r: any): DeadLetter {
  return {
    id: r.id,
    state: stateOf(r),
    receivedAt: r.received_at,
    groupKey: r.group_key,
    receiver: r.receiver,
    alerts: r.alert_count,
    error: r.error,
    errorKind: r.error_kind,
    attempts: r.attempts,
    jobId: r.job_id,
    position: r.position,
    createdAt: r.created_at,
    announcedAt: r.announced_at,
    replayedAt: r.replayed_at,
    discardedAt: r.discarded_at,
  };
}

/**
 * The dead-letter table: notifications that were accepted but could not be stored, kept
 * whole in MariaDB with their error, until replayed or discarded. Rows are never deleted,
 * so their count is the `promduty_alert_dead_letters_total` counter.
 */
export class DeadLetterStore {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  /** Keeps these notifications of job `jobId`; one kept before (the job ran again) stays as it was. */
  async keep(jobId: string, letters: DeadLetterInput[]): Promise<void> {
    if (!letters.length) return;
    const now = this.clock.now();
    const rows = letters.map(({ position, batch, error, attempts }) => ({
      job_id: jobId,
      position,
      // The server's own clock stamped it; a job from elsewhere might not have.
      received_at: Number.isFinite(batch.receivedAt) ? new Date(batch.receivedAt) : now,
      group_key: cut(String(batch.groupKey), 4096),
      receiver: cut(String(batch.receiver), 256),
      alert_count: Array.isArray(batch.alerts) ? batch.alerts.length : 0,
      payload: JSON.stringify(batch),
      error: failureText(error),
      error_kind: failureKind(error),
      attempts,
      created_at: now,
      updated_at: now,
    }));
    await insertRows(this.db, TABLE, rows, 'ON DUPLICATE KEY UPDATE id = id');
  }

  /** Positions of job `jobId` kept already (by an earlier run of the job). */
  async positionsOf(jobId: string): Promise<Set<number>> {
    return new Set((await this.db(TABLE).where({ job_id: jobId }).pluck('position')).map(Number));
  }

  /** Newest first; `state` filters (open: neither replayed nor discarded). */
  async list(q: { state?: DeadLetterState; limit?: number } = {}): Promise<DeadLetter[]> {
    let query = this.db(TABLE).select(LIST_COLUMNS).orderBy('id', 'desc').limit(Math.min(q.limit ?? 100, LIST_MAX));
    if (q.state === 'open') query = query.whereNull('replayed_at').whereNull('discarded_at');
    if (q.state === 'replayed') query = query.whereNotNull('replayed_at');
    if (q.state === 'discarded') query = query.whereNotNull('discarded_at');
    return (await query).map(view);
  }

  async get(id: number): Promise<KeptLetter> {
    const row = await this.db(TABLE).where({ id }).first();
    if (!row) throw notFound('dead letter', id);
    return { ...view(row), batch: JSON.parse(row.payload) as AlertBatch };
  }

  /** `open`: neither replayed nor discarded (the gauge); `total`: ever kept (the counter). */
  async counts(): Promise<{ open: number; total: number }> {
    const row = await this.db(TABLE)
      .first(this.db.raw('COUNT(*) AS total'), this.db.raw('COALESCE(SUM(replayed_at IS NULL AND discarded_at IS NULL), 0) AS open'));
    return { open: Number(row?.open ?? 0), total: Number(row?.total ?? 0) };
  }

  /** The oldest dead letters not announced yet (at most `limit`, with the payload), and how many there are. */
  async unannounced(limit: number): Promise<{ letters: KeptLetter[]; count: number; lastId: number }> {
    const rows = await this.db(TABLE).whereNull('announced_at').orderBy('id').limit(limit);
    if (!rows.length) return { letters: [], count: 0, lastId: 0 };
    const all = await this.db(TABLE).whereNull('announced_at').first(this.db.raw('COUNT(*) AS n'), this.db.raw('MAX(id) AS last'));
    return { letters: rows.map((r: any) => ({ ...view(r), batch: JSON.parse(r.payload) as AlertBatch })), count: Number(all.n), lastId: Number(all.last) };
  }

  /** Every dead letter up to `lastId` has been announced. */
  async announced(lastId: number): Promise<void> {
    await this.db(TABLE).whereNull('announced_at').where('id', '<=', lastId).update({ announced_at: this.clock.now() });
  }

  /** A replay stored it: it is done. */
  async replayed(id: number, actor: Actor): Promise<void> {
    await this.db.transaction(async (trx) => {
      const now = this.clock.now();
      await trx(TABLE).where({ id }).update({ replayed_at: now, updated_at: now, attempts: trx.raw('attempts + 1') });
      await writeAudit(trx, actor, { action: 'replay', entity: 'alert_dead_letter', entityId: id, after: { replayedAt: now } });
    });
  }

  /** A replay failed too: its error replaces the one before. */
  async replayFailed(id: number, error: unknown): Promise<void> {
    await this.db(TABLE).where({ id }).update({ error: failureText(error), error_kind: failureKind(error), attempts: this.db.raw('attempts + 1'), updated_at: this.clock.now() });
  }

  /** Given up on by someone: it stays on record, no longer counted as open. */
  async discard(id: number, actor: Actor): Promise<void> {
    await this.db.transaction(async (trx) => {
      const now = this.clock.now();
      await trx(TABLE).where({ id }).update({ discarded_at: now, updated_at: now });
      await writeAudit(trx, actor, { action: 'discard', entity: 'alert_dead_letter', entityId: id, after: { discardedAt: now } });
    });
  }
}

/** The API's view of one dead letter: its notification as Alertmanager's body. */
export const detailOf = ({ batch, ...letter }: KeptLetter): DeadLetterDetail => ({ ...letter, payload: toWebhookBody(batch) });
