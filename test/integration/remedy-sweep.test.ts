import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { REDIS_URL } from '../support/env';
import { waitFor } from '../support/processes';
import { newFingerprint, postWebhook, sendGroup, settled, startAlertApp, textOf, webhookBody, type AlertTestApp } from '../support/alerts';
import { REMEDY_SWEEP } from '../../src/queue/processors/remedy-sweep';
import { fromJson } from '../../src/db/knex';

/**
 * Automatic runs are planned after the alert's transaction commits; what a failure there (or
 * a death right after the commit) loses, the repeatable `remedy-sweep` plans and schedules.
 * And what an alert resolving does to a run: one due later is skipped, one in flight ends.
 * Real MariaDB, Redis, BullMQ and the local Feishu; the actions call a local HTTP endpoint.
 */
describe('remediation runs are never lost', () => {
  let a: AlertTestApp;
  let remedyQueue: Queue;
  let endpoint: Server;
  let target = '';
  const calls: { path: string; key: string }[] = [];
  const callsTo = (prefix: string) => calls.filter((c) => c.path.startsWith(prefix));

  before(async () => {
    endpoint = createServer((req, res) => {
      req.resume().on('end', () => {
        // /slow answers after a while, so the alert can resolve while the call is in flight.
        const wait = req.url?.startsWith('/slow') ? 1500 : 0;
        setTimeout(() => {
          calls.push({ path: req.url ?? '', key: String(req.headers['idempotency-key']) });
          if (req.url?.startsWith('/fail')) res.writeHead(500).end('locked');
          else res.writeHead(200).end('done');
        }, wait);
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
    // "after 1 minute" is two seconds here; a failed call is tried again 3 s later.
    a = await startAlertApp({ env: { ESCALATION_MINUTE_MS: '2000', ACTION_RETRY_MS: '3000' } });
    remedyQueue = new Queue('remedy', { connection: { url: REDIS_URL }, prefix: a.t.app.settings.redisPrefix });
  });
  after(async () => {
    await remedyQueue?.close();
    await a?.close();
    endpoint?.close();
  });

  const db = () => a.t.app.db;
  const action = async (body: Record<string, unknown>): Promise<number> => {
    const r = await a.t.api('POST', '/api/v1/actions', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  const fire = async (sg: number, name: string, status: 'firing' | 'resolved' = 'firing', fingerprint = newFingerprint(), startsAt = new Date().toISOString()) => {
    const r = await postWebhook(a.t, webhookBody([{ sendGroup: sg, name, status, fingerprint, startsAt }]));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await settled(a.t, ['alerts']);
    return db()('alert_events').where({ alertname: name }).first();
  };
  const runsOf = (eventId: number) => db()('remedy_runs').where({ event_id: eventId }).orderBy('id');
  const reported = (eventId: number, n: number) =>
    waitFor(`${n} runs of #${eventId} reported`, async () => {
      const runs = await runsOf(eventId);
      return runs.length === n && runs.every((r: any) => r.reported_at) ? runs : undefined;
    }, 30_000);
  const resultCards = (name: string) => a.feishu.messages().filter((m) => m.parent_id && textOf(m).includes(`: ${name}`));

  /** Runs the sweep now rather than at its next interval, and resolves once it has run. */
  const sweepNow = async () => {
    const job = await waitFor('the next remedy sweep', async () => (await remedyQueue.getJobs(['delayed', 'waiting'])).find((j) => j.name === REMEDY_SWEEP), 10_000, 50);
    if ((await job.getState()) === 'delayed') await job.promote().catch(() => undefined);
    await waitFor('the remedy sweep to run', async () => (await job.getState()) === 'completed', 10_000, 50);
  };

  test('runs that could not be planned when the alert fired are planned by the sweep, and run once', { timeout: 90_000 }, async () => {
    const sg = await sendGroup(a, 'lost-plan');
    await action({ name: 'restart-lost', url: `${target}/restart/{{ .EventID }}`, triggers: [{ sendGroupId: sg.id, mode: 'auto' }] });
    // MariaDB refuses the runs' rows the moment the alert is stored: the plan is lost as a blip (or a death) would lose it.
    await sleep(20);
    await db().raw("CREATE TRIGGER remedy_runs_refused BEFORE INSERT ON remedy_runs FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'test: remedy_runs refused'");
    let ev: any;
    try {
      ev = await fire(sg.id, 'LostPlan');
    } finally {
      await db().raw('DROP TRIGGER IF EXISTS remedy_runs_refused');
    }
    assert.equal(ev.status, 'firing');
    assert.equal((await runsOf(ev.id)).length, 0, 'the alert is stored, its run is not');
    // Attached after the alert fired: not run for it (it was not part of the alert's plan).
    await action({ name: 'late', url: `${target}/late`, triggers: [{ sendGroupId: sg.id, mode: 'auto' }] });

    await sweepNow();
    const [run] = await reported(ev.id, 1);
    assert.equal(run.state, 'succeeded');
    assert.equal(run.trigger, 'auto');
    assert.equal(run.dedupe_key, `auto:${run.action_id}:${ev.id}`);
    await a.feishu.waitFor(() => resultCards('restart-lost').length === 1);

    // Swept again: nothing new, nothing run twice.
    await sweepNow();
    await sleep(500);
    assert.equal((await runsOf(ev.id)).length, 1);
    assert.deepEqual(callsTo('/restart').map((c) => c.path), [`/restart/${ev.id}`], 'exactly one call');
    assert.equal(callsTo('/late').length, 0, 'an action attached after the alert fired does not run for it');
  });

  test('queued runs without a job, or behind a finished job of the same id, are scheduled by the sweep and run once', { timeout: 90_000 }, async () => {
    const sg = await sendGroup(a, 'lost-job');
    const actionId = await action({ name: 'drain', url: `${target}/drain` });
    const ev = await fire(sg.id, 'LostJob');
    const row = (id: number) => ({ id, action_id: actionId, event_id: ev.id, dedupe_key: `auto:${actionId}:${ev.id}:${id}`, trigger: 'auto', state: 'queued', requested_by_name: 'promduty', due_at: new Date() });
    // A run whose job was never added (Redis down while scheduling).
    const [noJob] = (await db()('remedy_runs').insert(row(9001))) as [number];
    // A run whose job id is taken by a finished job (the run's row newer than the job).
    const finished = await remedyQueue.add('remedy-run', { runId: 9002 }, { jobId: 'remedy-run-9002' });
    await waitFor('the early job to finish', async () => (await finished.getState()) === 'completed', 10_000, 50);
    await db()('remedy_runs').insert(row(9002));
    assert.equal(noJob, 9001);

    await sweepNow();
    const runs = await reported(ev.id, 2);
    assert.deepEqual(runs.map((r: any) => r.state), ['succeeded', 'succeeded']);
    await sweepNow();
    await sleep(500);
    assert.deepEqual(callsTo('/drain').map((c) => c.key).sort(), ['promduty-run-9001', 'promduty-run-9002'], 'each run called once');
  });

  test('an automatic run due after its alert resolved is skipped: no call, the timeline says why, the thread is quiet', { timeout: 60_000 }, async () => {
    const sg = await sendGroup(a, 'resolved-first');
    await action({ name: 'restart-later', url: `${target}/later`, triggers: [{ sendGroupId: sg.id, mode: 'auto', afterMinutes: 2 }] });
    const [fp, startsAt] = [newFingerprint(), new Date().toISOString()];
    const ev = await fire(sg.id, 'ResolvedFirst', 'firing', fp, startsAt);
    const [queued] = await runsOf(ev.id);
    assert.equal(queued.state, 'queued', 'planned, due in two "minutes"');
    await fire(sg.id, 'ResolvedFirst', 'resolved', fp, startsAt);

    const [run] = await reported(ev.id, 1);
    assert.equal(run.state, 'skipped');
    assert.equal(run.error, 'the alert resolved before the action was due');
    assert.equal(run.attempts, 0);
    assert.equal(callsTo('/later').length, 0);
    const [line] = await db()('event_timeline').where({ event_id: ev.id, kind: 'action' });
    assert.equal(fromJson<{ state: string }>(line.detail, { state: '' }).state, 'skipped');
    assert.equal(resultCards('restart-later').length, 0, 'nothing in the thread');
  });

  test('an alert resolving while its run calls does not stop the call (it cannot be unsent): the run ends and is reported', { timeout: 60_000 }, async () => {
    const sg = await sendGroup(a, 'resolved-mid-call');
    await action({ name: 'restart-slow', url: `${target}/slow`, triggers: [{ sendGroupId: sg.id, mode: 'auto' }] });
    const [fp, startsAt] = [newFingerprint(), new Date().toISOString()];
    const ev = await fire(sg.id, 'ResolvedMidCall', 'firing', fp, startsAt);
    await waitFor('the call under way', async () => (await runsOf(ev.id))[0]?.state === 'running', 10_000, 20);
    await fire(sg.id, 'ResolvedMidCall', 'resolved', fp, startsAt);

    const [run] = await reported(ev.id, 1);
    assert.equal(run.state, 'succeeded');
    assert.equal(callsTo('/slow').length, 1);
    await a.feishu.waitFor(() => resultCards('restart-slow').length === 1);
  });

  test('an automatic run backing off after a failed call stops when its alert resolves, and says so in the thread', { timeout: 60_000 }, async () => {
    const sg = await sendGroup(a, 'resolved-backoff');
    await action({ name: 'restart-flaky', url: `${target}/fail`, retries: 2, triggers: [{ sendGroupId: sg.id, mode: 'auto' }] });
    const [fp, startsAt] = [newFingerprint(), new Date().toISOString()];
    const ev = await fire(sg.id, 'ResolvedBackoff', 'firing', fp, startsAt);
    await waitFor('the first call failed', async () => (await runsOf(ev.id))[0]?.state === 'retrying', 10_000, 20);
    await fire(sg.id, 'ResolvedBackoff', 'resolved', fp, startsAt);

    const [run] = await reported(ev.id, 1);
    assert.equal(run.state, 'failed');
    assert.equal(run.attempts, 1);
    assert.equal(run.http_status, 500);
    assert.equal(run.error, 'HTTP 500; not tried again: the alert resolved');
    await sleep(3500);
    assert.equal(callsTo('/fail').length, 1, 'no retry after the alert resolved');
    await a.feishu.waitFor(() => resultCards('restart-flaky').length === 1);
    assert.match(textOf(resultCards('restart-flaky')[0]!), /Error: HTTP 500\\nNot tried again: the alert resolved\./);
  });
});
