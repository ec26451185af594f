import { randomUUID } from 'node:crypto';
import { Job, type JobsOptions, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { unavailable } from '../core/errors';
import { GroupCommit } from '../core/group-commit';
import { ALERTS_PER_WRITE, type JobNotification } from '../events/processing';
import type { Queued } from '../events/jobs';
import type { AlertBatch } from '../events/webhook';

export const ALERT_BATCH = 'alert-batch';

/** One notification in a job; `dedupKey` (absent when deduplication is off) holds who queued it first. */
export interface QueuedNotification {
  batch: AlertBatch;
  dedupKey?: string;
}

/** One notification waiting to be queued, under its dedup key. */
interface Incoming {
  batch: AlertBatch;
  key: string;
}

/** The data of an `alert-batch` job: the notifications that arrived together, in arrival order. */
export interface AlertBatchJob {
  notifications: QueuedNotification[];
}

// On top of the queue's defaults (retention), which a Job built by hand does not get itself.
const JOB_OPTS: JobsOptions = { attempts: 10, backoff: { type: 'exponential', delay: 500 } };
// BullMQ types its connection narrowly; it is the ioredis client main.ts handed it.
const redisOf = async (queue: Queue): Promise<Redis> => (await queue.client) as unknown as Redis;
const marker = (jobId: string, i: number): string => `${jobId}/${i}`;
/** KEYS: marker keys; ARGV: job id, window (ms). SET NX GET each: the earlier marker, or ''. */
const MARK = `local out = {}
for i, k in ipairs(KEYS) do
  out[i] = redis.call('SET', k, ARGV[1] .. '/' .. (i - 1), 'PX', ARGV[2], 'NX', 'GET') or ''
end
return out`;

/**
 * The webhook's side of the `alerts` queue. Notifications that arrive while the previous write
 * is in flight (a storm, many Alertmanager groups flushing at once) go out together as ONE job
 * (core/group-commit.ts):
 * one BullMQ add per batch instead of one per request is what lets a single API process take
 * thousands of webhooks a second, and it hands the worker whole batches to store in one
 * transaction. Each caller is answered once Redis holds the job, so a 2xx means durable.
 *
 * Copies (HA replicas, Alertmanager's retries): once the job is stored, one Lua call sets a
 * marker per notification key for the dedup window (SET NX GET). Job first, markers after:
 * a marker never exists without its job, so a notification can never be refused as a copy of
 * one that was lost. A copy finds the marker and is answered `duplicate` with the first copy's
 * job id; its own job still carries it, and the worker skips every notification whose marker
 * is not its own (`firstCopies`).
 */
export class NotificationQueue {
  private readonly commits: GroupCommit<Incoming, Queued>;

  /**
   * `deadlineMs` (REDIS_TIMEOUT_MS): a notification Redis has not taken by then is answered 503
   * (`unavailable`), so Alertmanager keeps it and sends it again, and notifications do not pile
   * up in memory behind a Redis that stopped answering (0: no deadline).
   */
  constructor(
    private readonly queue: Queue,
    private readonly dedupWindowMs: number,
    deadlineMs = 0,
  ) {
    // One write at a time keeps the batches largest; a job holds at most what the worker
    // stores in one transaction.
    this.commits = new GroupCommit((part) => this.write(part), {
      maxWeight: ALERTS_PER_WRITE,
      weight: (n) => n.batch.alerts.length,
      deadline: deadlineMs > 0 ? { ms: deadlineMs, expired: () => unavailable(`Redis did not take the notification within ${deadlineMs} ms: it is not queued; Alertmanager will send it again`) } : undefined,
    });
  }

  add(batch: AlertBatch, key: string): Promise<Queued> {
    return this.commits.submit({ batch, key });
  }

  private async write(part: Incoming[]): Promise<Queued[]> {
    const jobId = randomUUID();
    const dedup = this.dedupWindowMs > 0;
    const keys = part.map((w) => `${this.queue.qualifiedName}:wh:${w.key}`);
    const notifications: QueuedNotification[] = part.map((w, i) => (dedup ? { batch: w.batch, dedupKey: keys[i] } : { batch: w.batch }));
    const client = await redisOf(this.queue);
    try {
      await new Job<AlertBatchJob>(this.queue, ALERT_BATCH, { notifications }, { ...this.queue.defaultJobOptions, ...JOB_OPTS }, jobId).addJob(client as unknown as Parameters<Job['addJob']>[0]);
    } catch (e) {
      // Whatever kept Redis from taking the job (down, not answering, out of memory under
      // noeviction), the answer is the same: not queued, send it again later.
      throw unavailable(`Redis could not queue the notification (${e instanceof Error ? e.message : String(e)}): it is not queued; Alertmanager will send it again`, e);
    }
    const earlier = dedup ? await this.mark(client, keys, jobId) : [];
    return part.map((_, i) => {
      const first = earlier[i];
      return first ? { jobId: first.slice(0, first.lastIndexOf('/')), duplicate: true } : { jobId, duplicate: false };
    });
  }

  /** Sets the markers that are not set yet; returns what each key held before ('' for nothing). */
  private async mark(client: Redis, keys: string[], jobId: string): Promise<string[]> {
    try {
      return (await client.eval(MARK, keys.length, ...keys, jobId, this.dedupWindowMs)) as string[];
    } catch {
      // The job is durable already: without markers its copies are queued too, and skipped
      // as no change by the worker's idempotent processing. Answering an error would make
      // Alertmanager send it again for nothing.
      return [];
    }
  }
}

/**
 * The notifications of a job that are the first copy queued (or whose marker has expired:
 * processing is idempotent, so a late copy only costs work), with their place in the job.
 * One MGET per job.
 */
export async function firstCopies(queue: Queue, jobId: string, notifications: QueuedNotification[]): Promise<JobNotification[]> {
  const all = notifications.map((n, position) => ({ position, batch: n.batch }));
  const keys = [...new Set(notifications.flatMap((n) => n.dedupKey ?? []))];
  if (!keys.length) return all;
  const values = await (await redisOf(queue)).mget(...keys);
  const owner = new Map(keys.map((k, i) => [k, values[i] ?? null]));
  return all.filter(({ position }) => {
    const key = notifications[position]!.dedupKey;
    const first = key === undefined ? null : owner.get(key);
    return first === null || first === undefined || first === marker(jobId, position);
  });
}
