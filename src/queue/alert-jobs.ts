import { randomUUID } from 'node:crypto';
import { escalationJobId } from '../events/escalation-steps';
import type { AlertJobs } from '../events/jobs';
import { BulkAdder } from './bulk-add';
import type { QueueTuning } from './processor';
import type { QueueName } from './names';
import type { Queues } from './queues';

export const ALERT_BATCH = 'alert-batch';
export const ALERT_DELIVER = 'alert-deliver';
export const NOTIFY_SEND = 'notify-send';
export const NOTIFY_PATCH = 'notify-patch';
export const NOTIFY_REPLY = 'notify-reply';
export const ESCALATE = 'escalate';

/** A short wait lets a burst from many Alertmanager groups land in one delivery (and fold). */
const DELIVER_DELAY_MS = 50;
/** Card updates of one message collapse within this (Feishu: 5 updates a second per message). */
const PATCH_DEBOUNCE_MS = 250;
/**
 * Exponential from 1 s: the last of 8 attempts comes about two minutes after the first. A job
 * that still fails is dropped (and logged): its outbox row stays pending and the group's next
 * delivery queues it afresh.
 */
const SEND_RETRY = { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnFail: true };

/** Feishu's app-wide limit, enforced on the `notify` queue where each job is one Feishu call. */
export const FEISHU_APP_PER_SECOND = 50;

export const alertQueueTuning: Partial<Record<QueueName, QueueTuning>> = {
  alerts: { concurrency: 6 },
  notify: { concurrency: 16, limiter: { max: FEISHU_APP_PER_SECOND, duration: 1000 } },
  escalation: { concurrency: 8 },
};

/**
 * The alert pipeline's jobs on BullMQ. Deduplication does the bookkeeping:
 *   - a notification's key collapses copies for `dedupWindowMs` (HA replicas, retries);
 *   - deliveries of one send group never run at once, and requests while one runs fold
 *     into one follow-up run (keepLastIfActive);
 *   - sends, replies and escalation timers carry ids derived from what they do, so queueing
 *     one again is a no-op.
 */
export function bullAlertJobs(queues: Queues, dedupWindowMs: number): AlertJobs {
  const ingest = new BulkAdder(queues.alerts);
  return {
    ingest: async (batch, key) => {
      const jobId = randomUUID();
      const job = await ingest.add(ALERT_BATCH, batch, {
        jobId,
        attempts: 10,
        backoff: { type: 'exponential', delay: 500 },
        ...(dedupWindowMs > 0 ? { deduplication: { id: `wh-${key}`, ttl: dedupWindowMs } } : {}),
      });
      return { jobId: job.id ?? jobId, duplicate: job.id !== jobId };
    },
    deliver: async (ids) => {
      await Promise.all(
        ids.map((sendGroupId) =>
          queues.alerts.add(ALERT_DELIVER, { sendGroupId }, { delay: DELIVER_DELAY_MS, deduplication: { id: `deliver-${sendGroupId}`, keepLastIfActive: true } }),
        ),
      );
    },
    send: async (uuids) => {
      if (uuids.length) await queues.notify.addBulk(uuids.map((uuid) => ({ name: NOTIFY_SEND, data: { uuid }, opts: { jobId: `send-${uuid}`, ...SEND_RETRY } })));
    },
    patch: async (messageIds) => {
      await Promise.all(
        messageIds.map((messageId) =>
          queues.notify.add(NOTIFY_PATCH, { messageId }, { delay: PATCH_DEBOUNCE_MS, deduplication: { id: `patch-${messageId}`, keepLastIfActive: true } }),
        ),
      );
    },
    reply: async (replies) => {
      if (replies.length) await queues.notify.addBulk(replies.map((r) => ({ name: NOTIFY_REPLY, data: r, opts: { jobId: `reply-${r.uuid}`, ...SEND_RETRY } })));
    },
    escalate: async (step, delayMs) => {
      await queues.escalation.add(ESCALATE, step, { jobId: escalationJobId(step), delay: Math.max(0, Math.round(delayMs)), attempts: 5 });
    },
  };
}
