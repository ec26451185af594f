import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/core/clock';
import { createMetrics } from '../../src/core/metrics';
import { createKnex } from '../../src/db/connect';
import { DeadLetterStore } from '../../src/events/dead-letters';
import { Destinations } from '../../src/events/destinations';
import { AlertProcessor } from '../../src/events/processing';
import { parseWebhook, toBatch, type AlertBatch } from '../../src/events/webhook';
import { bullAlertJobs } from '../../src/queue/alert-jobs';
import { NotificationQueue } from '../../src/queue/notification-queue';
import { closeQueues, createQueues } from '../../src/queue/queues';
import { cards, newFingerprint, postWebhook, sendGroup, settled, startAlertApp, textOf, titleOf, webhookBody, type AlertTestApp } from '../support/alerts';
import { REDIS_URL } from '../support/env';
import { waitFor } from '../support/processes';

const batchOf = (body: unknown, at = new Date()): AlertBatch => toBatch(parseWebhook(body), at);
const TITLE = /alert notifications? could not be stored/;

/**
 * A real fault no webhook check can see coming: a trigger in the test's own database refuses
 * every alert whose fingerprint starts with `prefix`, with SQLSTATE `state` (45000: an error
 * class promduty does not know; 22xxx: a data exception, like an out-of-range value).
 */
const REFUSE = (prefix: string, state: string) =>
  `CREATE TRIGGER refuse_alerts BEFORE INSERT ON alert_events FOR EACH ROW
   BEGIN IF NEW.fingerprint LIKE '${prefix}%' THEN SIGNAL SQLSTATE '${state}' SET MESSAGE_TEXT = 'refused by the test trigger'; END IF; END`;

/** Issue 13: one notification the database refuses never costs the ones queued with it. */
describe('dead letters: a notification that cannot be stored is kept, announced and replayable', () => {
  let a: AlertTestApp;
  let chat: string;
  before(async () => {
    a = await startAlertApp();
    chat = (await sendGroup(a, 'default', { isDefault: true, notifyOncallPrivate: false })).chat;
  });
  after(() => a.close());

  const stored = async (names: string[]) => (await a.t.app.db('alert_events').whereIn('alertname', names).pluck('alertname')).sort();
  const metric = async (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec((await a.t.api('GET', '/metrics')).body as string)?.[1]);
  const announcements = () => cards(a.feishu, chat).filter((m) => TITLE.test(titleOf(m)));

  test('40 innocent notifications queued in one job with a poison one: all 40 stored, the poison kept, announced once, replayed once fixed', { timeout: 90_000 }, async () => {
    await a.t.app.db.raw(REFUSE('dead', '45000'));
    const queue = new Queue('alerts', { connection: { url: REDIS_URL }, prefix: a.t.app.settings.redisPrefix });
    const names = Array.from({ length: 40 }, (_, i) => `Innocent${i}`);
    const bodies = names.map((name) => webhookBody([{ name }]));
    const poison = webhookBody([{ name: 'Poison', fingerprint: `dead${newFingerprint()}` }]);
    bodies.splice(17, 0, poison);
    const q = new NotificationQueue(queue, 60_000);
    const queued = await Promise.all(bodies.map((b, i) => q.add(batchOf(b), `dl-${i}`)));
    assert.equal(new Set(queued.map((r) => r.jobId)).size, 1, 'one job holds them all');
    const job = (await queue.getJob(queued[0]!.jobId))!;

    await waitFor('the innocent alerts stored', async () => (await stored(names)).length === 40, 30_000);
    await settled(a.t);
    assert.deepEqual(await stored(['Poison']), []);
    assert.equal(await job.isCompleted(), true, 'the job is done, not retried for ever or dropped');
    await queue.close();

    const list = await a.t.api('GET', '/api/v1/alerts/dead-letters');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    const [letter] = list.body.items;
    assert.deepEqual(
      [letter.state, letter.receiver, letter.groupKey, letter.alerts, letter.attempts, letter.jobId, letter.position, letter.errorKind],
      ['open', 'sg', poison.groupKey, 1, 1, job.id, 17, 'other'],
    );
    assert.match(letter.error, /refused by the test trigger/);
    assert.equal((await a.t.api('GET', '/api/v1/alerts/dead-letters', undefined, 'test-webhook-token')).status, 401, 'admin token only');
    const detail = await a.t.api('GET', `/api/v1/alerts/dead-letters/${letter.id}`);
    assert.equal(detail.body.payload.alerts[0].fingerprint, poison.alerts[0]!.fingerprint);
    assert.equal(detail.body.payload.alerts[0].startsAt, '2026-01-05T01:00:00.123Z');
    assert.deepEqual(detail.body.payload.alerts[0].labels, poison.alerts[0]!.labels, 'kept whole');

    assert.equal(await metric('promduty_alert_dead_letters'), 1);
    assert.equal(await metric('promduty_alert_dead_letters_total'), 1);

    await a.feishu.waitFor(() => announcements().length === 1, 15_000);
    await settled(a.t, ['notify']);
    assert.equal(announcements().length, 1, 'announced once');
    const card = textOf(announcements()[0]!);
    assert.match(card, new RegExp(`#${letter.id}\\*\\* Poison`));
    assert.match(card, /refused by the test trigger/);
    assert.match(card, /POST \/api\/v1\/alerts\/dead-letters\/&lt;id&gt;\/retry/, 'says what to do next');

    // The cause is still there: the replay says so and the dead letter stays open.
    const again = await a.t.api('POST', `/api/v1/alerts/dead-letters/${letter.id}/retry`);
    assert.equal(again.status, 409);
    assert.match(again.body.error.message, /could not be stored again: refused by the test trigger/);
    assert.equal((await a.t.api('GET', `/api/v1/alerts/dead-letters/${letter.id}`)).body.attempts, 2);

    await a.t.app.db.raw('DROP TRIGGER refuse_alerts');
    const replay = await a.t.api('POST', `/api/v1/alerts/dead-letters/${letter.id}/retry`);
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    assert.equal(replay.body.state, 'replayed');
    assert.deepEqual(await stored(['Poison']), ['Poison']);
    await a.feishu.waitFor(() => cards(a.feishu, chat).some((m) => titleOf(m) === 'Poison'), 15_000);
    assert.equal(await metric('promduty_alert_dead_letters'), 0);
    assert.equal(await metric('promduty_alert_dead_letters_total'), 1);
    assert.equal((await a.t.api('POST', `/api/v1/alerts/dead-letters/${letter.id}/retry`)).status, 409, 'once is enough');
    const audit = await a.t.app.db('audit_log').where({ entity: 'alert_dead_letter', entity_id: String(letter.id) }).pluck('action');
    assert.deepEqual(audit, ['replay']);
  });

  // A data exception is kept at once, whether or not its job held others: how the API groups the requests does not matter.
  test('over HTTP: a burst of notifications with poison ones among them; every innocent one stored, each poison one kept', { timeout: 90_000 }, async () => {
    await a.t.app.db.raw(REFUSE('bad', '22023'));
    const names = Array.from({ length: 60 }, (_, i) => `Burst${i}`);
    const bodies = names.map((name) => webhookBody([{ name }, { name, instance: '10.0.0.2:9100' }]));
    const poisons = [5, 30, 55].map((i) => webhookBody([{ name: `BurstPoison${i}`, fingerprint: `bad${newFingerprint()}` }]));
    bodies.splice(5, 0, poisons[0]!);
    bodies.splice(30, 0, poisons[1]!);
    bodies.splice(55, 0, poisons[2]!);
    const before = announcements().length;
    const answers = await Promise.all(bodies.map((b) => postWebhook(a.t, b)));
    assert.deepEqual([...new Set(answers.map((r) => r.status))], [200]);
    await waitFor('the innocent alerts stored', async () => (await a.t.app.db('alert_events').whereIn('alertname', names).count({ n: '*' }).first())?.n === 120, 30_000);
    await waitFor('the poison notifications kept', async () => (await a.t.app.db('alert_dead_letters').whereNull('replayed_at').count({ n: '*' }).first())?.n === 3, 30_000);
    await settled(a.t);
    assert.deepEqual(await stored(poisons.map((p) => p.alerts[0]!.labels.alertname!)), []);
    const open = (await a.t.api('GET', '/api/v1/alerts/dead-letters?state=open')).body.items;
    assert.deepEqual(open.map((l: any) => l.groupKey).sort(), poisons.map((p) => p.groupKey).sort());
    await a.feishu.waitFor(() => announcements().length > before, 15_000);
    await settled(a.t, ['notify']);
    const told = announcements().slice(before);
    assert.ok(told.length <= 3, `${told.length} announcements for 3 dead letters`);
    for (const l of open) assert.ok(told.some((m) => textOf(m).includes(`#${l.id}**`)), `#${l.id} announced`);

    // Given up on: out of the open count, still on record.
    assert.equal((await a.t.api('DELETE', `/api/v1/alerts/dead-letters/${open[0].id}`)).status, 204);
    assert.equal((await a.t.api('GET', `/api/v1/alerts/dead-letters/${open[0].id}`)).body.state, 'discarded');
    assert.equal(await metric('promduty_alert_dead_letters'), 2);
    assert.equal(await metric('promduty_alert_dead_letters_total'), 4);
    await a.t.app.db.raw('DROP TRIGGER refuse_alerts');
  });

  test('a job run again keeps each notification once; a database that cannot be reached keeps none and asks to wait', { timeout: 60_000 }, async () => {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queues = createQueues(connection, a.t.app.settings.redisPrefix);
    const down = createKnex('mysql://root@127.0.0.1:1/nowhere', { min: 0, max: 2 });
    try {
      const processor = (db = a.t.app.db) =>
        new AlertProcessor({
          db, clock: systemClock, logger: a.t.app.logger, metrics: createMetrics(), destinations: new Destinations(db), jobs: bullAlertJobs(queues, 60_000),
          dedupWindowMs: 60_000, deadLetters: new DeadLetterStore(a.t.app.db, systemClock),
        });
      // What an older promduty queued before its webhook checked times: the database refuses the year.
      const late = batchOf(webhookBody([{ name: 'FarFuture' }]));
      late.alerts[0]!.startsAt = Date.parse('+010000-01-01T00:00:00Z');
      const fine = batchOf(webhookBody([{ name: 'RunTwice' }]));
      const notifications = [{ position: 0, batch: fine }, { position: 1, batch: late }];
      const run = { jobId: 'by-hand-1', attempt: 1, finalAttempt: false, ranBefore: false };
      assert.deepEqual(await processor().runJob(run, notifications), { status: 'done', stored: 1, deadLettered: 1 });
      assert.deepEqual(await processor().runJob({ ...run, attempt: 2, ranBefore: true }, notifications), { status: 'done', stored: 1, deadLettered: 1 });
      const kept = await a.t.app.db('alert_dead_letters').where({ job_id: 'by-hand-1' });
      assert.deepEqual(kept.map((r: any) => [r.position, r.error_kind, r.attempts]), [[1, 'data', 1]], 'a data error is kept at once, and once');
      assert.match(kept[0].error, /Incorrect datetime value/);
      const replay = await a.t.api('POST', `/api/v1/alerts/dead-letters/${kept[0].id}/retry`);
      assert.equal(replay.status, 400, 'today it would not pass the webhook');
      assert.equal(replay.body.error.details[0].path, 'payload.alerts[0].startsAt');
      assert.equal((await a.t.api('GET', '/api/v1/alerts/dead-letters/999999')).status, 404);
      assert.equal((await a.t.api('GET', '/api/v1/alerts/dead-letters?state=lost')).body.error.details[0].path, 'state');
      assert.equal((await a.t.api('GET', '/api/v1/alerts/dead-letters?limit=1')).body.items.length, 1);

      const away = await processor(down).runJob({ jobId: 'by-hand-2', attempt: 10, finalAttempt: true, ranBefore: false }, [{ position: 0, batch: batchOf(webhookBody([{ name: 'Away' }])) }]);
      assert.equal(away.status, 'retry');
      assert.equal((away as { unavailable: boolean }).unavailable, true);
      assert.equal((await a.t.app.db('alert_dead_letters').where({ job_id: 'by-hand-2' })).length, 0);
      await settled(a.t);
    } finally {
      await down.destroy();
      await closeQueues(queues);
      connection.disconnect();
    }
  });
});
