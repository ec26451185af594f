import { escalationJobId, reminderJobId } from '../events/escalation-steps';
import type { AlertJobs } from '../events/jobs';
import { APP_PER_SECOND, PER_RECIPIENT_PER_SECOND } from '../core/feishu-limits';
import { NotificationQueue } from './notification-queue';
import type { QueueTuning } from './processor';
import type { QueueName } from './names';
import type { Queues } from './queues';
import type { Queue } from 'bullmq';

export const ALERT_DELIVER = 'alert-deliver';
export const NOTIFY_SEND = 'notify-send';
export const NOTIFY_PATCH = 'notify-patch';
export const NOTIFY_REPLY = 'notify-reply';
export const ESCALATE = 'escalate';
export const REMIND = 'escalation-reminder';
export const DEAD_LETTER_NOTICE = 'dead-letter-notice';

/** A short wait lets a burst from many Alertmanager groups land in one delivery (and fold). */
const DELIVER_DELAY_MS = 100;
/** Card updates of one message collapse within this (Feishu: 5 updates a second per message). */
const PATCH_DEBOUNCE_MS = 250;
/** Dead letters kept within this of each other are announced on one card. */
const DEAD_LETTER_NOTICE_DELAY_MS = 2000;
/**
 * Exponential from 1 s: the last of 8 attempts comes about two minutes after the first. A job
 * that still fails is dropped (and logged): its outbox row stays pending and the group's next
 * delivery queues it afresh.
 */
const SEND_RETRY = { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnFail: true };

/**
 * Feishu's 50 a second as 5 per tenth of a second. BullMQ's limiter is a fixed window: with
 * 50 per second, a burst spent the window's budget at once and every message after it waited
 * out the rest of the second (most of webhook → card p99 at 100 alerts/s, issue 15), and two
 * windows back to back let 100 through within a few milliseconds. Tenths keep the average and
 * allow at most 55 in any second.
 */
const SMOOTH_APP_LIMIT = { max: APP_PER_SECOND / 10, duration: 100 };

export const alertQueueTuning: Partial<Record<QueueName, QueueTuning>> = {
  // Jobs mostly wait here for the shared transaction (processing.ts: two at a time): the more
  // are taken at once, the more notifications each transaction stores. 10,000 alerts in
  // 5-alert notifications took 58 transactions at 8, 26 at 32; MariaDB's cost per alert in a
  // 500-row transaction is about 60 % of a 100-row one's (issue 15). Connections stay two.
  alerts: { concurrency: 32 },
  delivery: { concurrency: 4 },
  notify: { concurrency: 16, limiter: SMOOTH_APP_LIMIT },
  // The buzz APIs' own 50 a second (paging-jobs.ts).
  paging: { concurrency: 8, limiter: SMOOTH_APP_LIMIT },
  escalation: { concurrency: 8 },
};

/**
 * Jobs that fold by id: one already waiting absorbs the new request, and one running gets a
 * single follow-up run (keepLastIfActive). One addBulk: one round trip however many there are.
 */
async function addFolding(queue: Queue, name: string, delay: number, jobs: [string, object][]): Promise<void> {
  if (!jobs.length) return;
  await queue.addBulk(jobs.map(([id, data]) => ({ name, data, opts: { delay, deduplication: { id, keepLastIfActive: true } } })));
}

/**
 * The alert pipeline's jobs on BullMQ (the app-wide Feishu limit is the `notify` limiter: one
 * Feishu call per job). Deduplication does the bookkeeping:
 *   - notifications arriving while the previous write is in flight are queued as one job,
 *     and a notification's key collapses copies for `dedupWindowMs` (HA replicas,
 *     retries): notification-queue.ts;
 *   - deliveries of one send group never run at once, and requests while one runs fold
 *     into one follow-up run (keepLastIfActive);
 *   - sends, replies and escalation timers carry ids derived from what they do, so queueing
 *     one again is a no-op;
 *   - dead-letter announcements fold into one run, which announces every dead letter not
 *     announced yet.
 */
export function bullAlertJobs(queues: Queues, dedupWindowMs: number, ingestDeadlineMs = 0): AlertJobs {
  const notifications = new NotificationQueue(queues.alerts, dedupWindowMs, ingestDeadlineMs);
  return {
    ingest: (batch, key) => notifications.add(batch, key),
    deliver: (ids, delayMs = DELIVER_DELAY_MS) =>
      addFolding(queues.delivery, ALERT_DELIVER, delayMs, ids.map((sendGroupId) => [`deliver-${sendGroupId}`, { sendGroupId }])),
    send: async (messages) => {
      // The k-th message to one recipient waits k/5 seconds: few come back from its rate limit.
      const nth = new Map<string, number>();
      const jobs = messages.map(({ uuid, sendGroupId, recipient, delayMs = 0 }) => {
        const k = nth.get(recipient) ?? 0;
        nth.set(recipient, k + 1);
        const delay = Math.max(delayMs, Math.floor(k / PER_RECIPIENT_PER_SECOND) * 1000);
        return { name: NOTIFY_SEND, data: { uuid, sendGroupId }, opts: { jobId: `send-${uuid}`, delay, ...SEND_RETRY } };
      });
      if (jobs.length) await queues.notify.addBulk(jobs);
    },
    patch: (messageIds, delayMs = PATCH_DEBOUNCE_MS) => addFolding(queues.notify, NOTIFY_PATCH, delayMs, messageIds.map((messageId) => [`patch-${messageId}`, { messageId }])),
    reply: async (replies) => {
      if (replies.length) await queues.notify.addBulk(replies.map((r) => ({ name: NOTIFY_REPLY, data: r, opts: { jobId: `reply-${r.uuid}`, ...SEND_RETRY } })));
    },
    escalate: async (step, delayMs) => {
      await queues.escalation.add(ESCALATE, step, { jobId: escalationJobId(step), delay: Math.max(0, Math.round(delayMs)), attempts: 5 });
    },
    remind: async (step, delayMs) => {
      await queues.escalation.add(REMIND, step, { jobId: reminderJobId(step), delay: Math.max(0, Math.round(delayMs)), attempts: 5, backoff: { type: 'exponential', delay: 1000 } });
    },
    announceDeadLetters: () => addFolding(queues.notify, DEAD_LETTER_NOTICE, DEAD_LETTER_NOTICE_DELAY_MS, [[DEAD_LETTER_NOTICE, {}]]),
  };
}
