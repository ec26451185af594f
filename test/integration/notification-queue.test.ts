import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/core/clock';
import { createMetrics } from '../../src/core/metrics';
import { Destinations } from '../../src/events/destinations';
import { AlertProcessor } from '../../src/events/processing';
import { DeadLetterStore } from '../../src/events/dead-letters';
import { bullAlertJobs } from '../../src/queue/alert-jobs';
import { closeQueues, createQueues } from '../../src/queue/queues';
import { notificationKey, parseWebhook, toBatch } from '../../src/events/webhook';
import { firstCopies, NotificationQueue, type AlertBatchJob } from '../../src/queue/notification-queue';
import { cards, postWebhook, sendGroup, settled, startAlertApp, webhookBody, type AlertTestApp } from '../support/alerts';
import { dropRedisPrefix, REDIS_URL, uniqueName } from '../support/env';

const batchOf = (body: unknown, at = new Date()) => toBatch(parseWebhook(body), at);

describe('notifications queued together (one job per event-loop turn)', () => {
  const prefix = uniqueName('nq');
  let queue: Queue;
  before(() => {
    queue = new Queue('alerts', { connection: { url: REDIS_URL }, prefix });
  });
  after(async () => {
    await queue.close();
    await dropRedisPrefix(prefix);
  });

  test('one job for a turn; a copy in the same job is answered duplicate and skipped by the worker', async () => {
    const q = new NotificationQueue(queue, 60_000);
    const a = batchOf(webhookBody([{ name: 'A' }]));
    const b = batchOf(webhookBody([{ name: 'B' }]));
    const [ra, rb, rcopy] = await Promise.all([q.add(a, notificationKey(a)), q.add(b, notificationKey(b)), q.add(a, notificationKey(a))]);
    assert.deepEqual([ra.duplicate, rb.duplicate, rcopy.duplicate], [false, false, true]);
    assert.equal(rb.jobId, ra.jobId);
    assert.equal(rcopy.jobId, ra.jobId);
    assert.equal(await queue.getWaitingCount(), 1);

    const job = (await queue.getJob(ra.jobId))!;
    const data = job.data as AlertBatchJob;
    assert.equal(data.notifications.length, 3);
    assert.deepEqual(
      (await firstCopies(queue, job.id!, data.notifications)).map((n) => [n.position, n.batch.alerts[0]!.labels.alertname]),
      [[0, 'A'], [1, 'B']],
    );
  });

  test('a copy in a later turn is answered with the first job; that later job carries nothing to do', async () => {
    const q = new NotificationQueue(queue, 60_000);
    const a = batchOf(webhookBody([{ name: 'Later' }]));
    const first = await q.add(a, notificationKey(a));
    const copy = await q.add(a, notificationKey(a));
    assert.deepEqual([first.duplicate, copy.duplicate, copy.jobId], [false, true, first.jobId]);
    const jobs = await queue.getJobs(['waiting']);
    const later = jobs.find((j) => j.id !== first.jobId && (j.data as AlertBatchJob).notifications[0]!.batch.alerts[0]!.labels.alertname === 'Later')!;
    assert.deepEqual(await firstCopies(queue, later.id!, (later.data as AlertBatchJob).notifications), []);
    const own = (await queue.getJob(first.jobId))!;
    assert.equal((await firstCopies(queue, own.id!, (own.data as AlertBatchJob).notifications)).length, 1);
  });

  test('deduplication off: no markers, every copy is its own notification', async () => {
    const q = new NotificationQueue(queue, 0);
    const a = batchOf(webhookBody([{ name: 'NoDedup' }]));
    const [x, y] = await Promise.all([q.add(a, notificationKey(a)), q.add(a, notificationKey(a))]);
    assert.deepEqual([x.duplicate, y.duplicate], [false, false]);
    const job = (await queue.getJob(x.jobId))!;
    assert.equal((await firstCopies(queue, job.id!, (job.data as AlertBatchJob).notifications)).length, 2);
  });

  test('a marker expires with the dedup window: the same notification is new again', async () => {
    const q = new NotificationQueue(queue, 50);
    const a = batchOf(webhookBody([{ name: 'Expiring' }]));
    assert.equal((await q.add(a, notificationKey(a))).duplicate, false);
    await new Promise((r) => setTimeout(r, 120));
    assert.equal((await q.add(a, notificationKey(a))).duplicate, false);
  });
});

describe('a batch of notifications in the worker', () => {
  let a: AlertTestApp;
  before(async () => {
    a = await startAlertApp();
  });
  after(() => a.close());

  test('a firing and its resolve queued in one job fold in arrival order: one event, resolved, both on the timeline', async () => {
    const sg = await sendGroup(a, 'fold');
    const fingerprint = 'f01d0000000001';
    const firing = webhookBody([{ sendGroup: sg.id, name: 'Folded', fingerprint }]);
    const resolved = webhookBody([{ sendGroup: sg.id, name: 'Folded', fingerprint, status: 'resolved', endsAt: '2026-01-05T01:10:00Z' }]);
    const queue = new Queue('alerts', { connection: { url: REDIS_URL }, prefix: a.t.app.settings.redisPrefix });
    const q = new NotificationQueue(queue, 60_000);
    const now = Date.now();
    const [r1, r2] = await Promise.all([q.add(batchOf(firing, new Date(now)), 'fold-1'), q.add(batchOf(resolved, new Date(now + 1000)), 'fold-2')]);
    await queue.close();
    assert.equal(r1.jobId, r2.jobId, 'one job');
    await settled(a.t);

    const events = await a.t.app.db('alert_events').where({ alertname: 'Folded' });
    assert.equal(events.length, 1);
    assert.equal(events[0].status, 'resolved');
    assert.equal(events[0].ends_at.toISOString(), '2026-01-05T01:10:00.000Z');
    const kinds = await a.t.app.db('event_timeline').where({ event_id: events[0].id }).orderBy('id').pluck('kind');
    assert.deepEqual(kinds, ['fired', 'resolved']);
  });

  test('notifications that reach the worker together share one transaction; if it fails, its halves are stored again, so a bad one fails alone', async () => {
    const sg = await sendGroup(a, 'together');
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queues = createQueues(connection, a.t.app.settings.redisPrefix);
    try {
      const db = a.t.app.db;
      const processor = new AlertProcessor({
        db, clock: systemClock, logger: a.t.app.logger, metrics: createMetrics(), destinations: new Destinations(db), jobs: bullAlertJobs(queues, 60_000), dedupWindowMs: 60_000,
        deadLetters: new DeadLetterStore(db, systemClock),
      });
      const good = (name: string) => batchOf(webhookBody([{ sendGroup: sg.id, name }]));
      // Past the validator (it allows 64 characters): the column refuses it, and with it the shared transaction.
      const bad = batchOf(webhookBody([{ sendGroup: sg.id, name: 'Poison' }]));
      bad.alerts[0]!.fingerprint = 'f'.repeat(200);
      const results = await processor.store([good('Together1'), bad, good('Together2')]);
      assert.deepEqual(results.map((r) => r.ok), [true, false, true]);
      assert.equal((results[1] as { alone: boolean }).alone, true, 'it failed on its own while the others were stored');
      assert.deepEqual((await db('alert_events').whereIn('alertname', ['Together1', 'Together2', 'Poison']).orderBy('alertname').pluck('alertname')), ['Together1', 'Together2']);
      await settled(a.t);
    } finally {
      await closeQueues(queues);
      connection.disconnect();
    }
  });

  test('the same body posted three times at once: one accepted, two duplicates of its job, one card', async () => {
    const sg = await sendGroup(a, 'thrice');
    const body = webhookBody([{ sendGroup: sg.id, name: 'Thrice' }]);
    const rs = await Promise.all([1, 2, 3].map(() => postWebhook(a.t, body)));
    assert.deepEqual(rs.map((r) => r.status), [200, 200, 200]);
    assert.deepEqual(rs.map((r) => r.body.status).sort(), ['accepted', 'duplicate', 'duplicate']);
    assert.equal(new Set(rs.map((r) => r.body.jobId)).size, 1);
    await settled(a.t);
    assert.equal((await a.t.app.db('alert_events').where({ alertname: 'Thrice' })).length, 1);
    assert.equal(cards(a.feishu, sg.chat).length, 1);
  });
});
