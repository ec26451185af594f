import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { QueueEvents, UnrecoverableError } from 'bullmq';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createMetrics } from '../../src/core/metrics';
import { createQueues, closeQueues, type Queues } from '../../src/queue/queues';
import { startWorkers, type RunningWorkers } from '../../src/queue/workers';
import { dropRedisPrefix, REDIS_URL, uniqueName } from '../support/env';
import { waitFor } from '../support/processes';

// BullMQ's own tests do this: a unique prefix per test file against real Redis, cleaned after.
const prefix = uniqueName('bull');
let conn: Redis;
let queues: Queues;
let running: RunningWorkers;
const lines: any[] = [];
const logger = pino({ level: 'warn' }, new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) }));
const metrics = createMetrics();

before(() => {
  conn = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  queues = createQueues(conn, prefix);
  running = startWorkers({
    connection: conn,
    prefix,
    logger,
    metrics,
    ctx: { greeting: 'hello' },
    processors: [
      { queue: 'config', name: 'echo', handle: async (job, ctx) => `${ctx.greeting} ${job.data.who}` },
      {
        queue: 'config',
        name: 'boom',
        handle: async () => {
          throw new Error('kaput');
        },
      },
      {
        queue: 'config',
        name: 'hopeless',
        handle: async () => {
          throw new UnrecoverableError('never again');
        },
      },
    ],
  });
});
after(async () => {
  await running.close();
  await closeQueues(queues);
  conn.disconnect();
  await dropRedisPrefix(prefix);
});

test('a registered processor runs its job; one worker per queue dispatches on job name', async () => {
  const events = new QueueEvents('config', { connection: { url: REDIS_URL }, prefix });
  await events.waitUntilReady();
  const job = await queues.config.add('echo', { who: 'world' });
  assert.equal(await job.waitUntilFinished(events, 10_000), 'hello world');
  assert.equal(running.workers.length, 1);
  await events.close();
});

test('a job failing for good is logged with its name and counted; unknown names fail loudly', async () => {
  const events = new QueueEvents('config', { connection: { url: REDIS_URL }, prefix });
  await events.waitUntilReady();
  const boom = await queues.config.add('boom', {}, { attempts: 1 });
  await assert.rejects(boom.waitUntilFinished(events, 10_000), /kaput/);
  const unknown = await queues.config.add('nobody-handles-this', {}, { attempts: 1 });
  await assert.rejects(unknown.waitUntilFinished(events, 10_000), /no processor for job config\/nobody-handles-this/);
  await events.close();
  // QueueEvents may report before the worker's own 'failed' listener has logged.
  const failed = await waitFor('both failures logged', async () => {
    const f = lines.filter((l) => l.msg === 'job failed for good').map((l) => l.job);
    return f.length >= 2 && f;
  });
  assert.deepEqual(failed.sort(), ['boom', 'nobody-handles-this']);
  const text = await metrics.registry.metrics();
  assert.match(text, /promduty_jobs_processed_total\{queue="config",name="boom",outcome="failed"\} 1/);
});

test('a job that fails with attempts left but no retry (BullMQ UnrecoverableError, as for a job stalled too often) is logged as failed for good', async () => {
  const events = new QueueEvents('config', { connection: { url: REDIS_URL }, prefix });
  await events.waitUntilReady();
  const job = await queues.config.add('hopeless', {}, { attempts: 5 });
  await assert.rejects(job.waitUntilFinished(events, 10_000), /never again/);
  const retried = await queues.config.add('boom', {}, { attempts: 2 });
  await assert.rejects(retried.waitUntilFinished(events, 10_000), /kaput/);
  await events.close();
  const line = await waitFor('the failure logged', async () => lines.find((l) => l.job === 'hopeless'));
  assert.equal(line.msg, 'job failed for good');
  assert.equal(line.level, 50);
  const boom = await waitFor('both tries logged', async () => {
    const tries = lines.filter((l) => l.jobId === retried.id);
    return tries.length === 2 && tries;
  });
  assert.deepEqual(boom.map((l) => l.msg), ['job failed, will retry', 'job failed for good']);
  assert.match(await metrics.registry.metrics(), /promduty_jobs_processed_total\{queue="config",name="hopeless",outcome="failed"\} 1/);
});
