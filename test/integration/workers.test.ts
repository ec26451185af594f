import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { UnrecoverableError, type Job } from 'bullmq';
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
  await running.close(5000);
  await closeQueues(queues);
  conn.disconnect();
  await dropRedisPrefix(prefix);
});

/**
 * How job `jobId` ends, from the worker's own events. Listening starts before the job is added,
 * so no outcome can slip by, and no Redis stream reader is left open if an assertion fails (a
 * QueueEvents per test was, and kept the file from exiting when a wait timed out).
 */
function outcome(jobId: string): Promise<unknown> {
  const w = running.workers[0]!;
  return new Promise((resolve, reject) => {
    const completed = (job: Job, result: unknown) => {
      if (job.id !== jobId) return;
      stop();
      resolve(result);
    };
    const failed = (job: Job | undefined, err: Error) => {
      if (job?.id !== jobId) return;
      stop();
      reject(err);
    };
    const stop = () => {
      w.off('completed', completed);
      w.off('failed', failed);
    };
    w.on('completed', completed);
    w.on('failed', failed);
  });
}

test('a registered processor runs its job; one worker per queue dispatches on job name', async () => {
  const done = outcome('echo-1');
  await queues.config.add('echo', { who: 'world' }, { jobId: 'echo-1' });
  assert.equal(await done, 'hello world');
  assert.equal(running.workers.length, 1);
});

test('a job failing for good is logged with its name and counted; unknown names fail loudly', async () => {
  const boom = outcome('boom-1');
  await queues.config.add('boom', {}, { attempts: 1, jobId: 'boom-1' });
  await assert.rejects(boom, /kaput/);
  const unknown = outcome('unknown-1');
  await queues.config.add('nobody-handles-this', {}, { attempts: 1, jobId: 'unknown-1' });
  await assert.rejects(unknown, /no processor for job config\/nobody-handles-this/);
  const failed = await waitFor('both failures logged', async () => {
    const f = lines.filter((l) => l.msg === 'job failed for good').map((l) => l.job);
    return f.length >= 2 && f;
  });
  assert.deepEqual(failed.sort(), ['boom', 'nobody-handles-this']);
  const text = await metrics.registry.metrics();
  assert.match(text, /promduty_jobs_processed_total\{queue="config",name="boom",outcome="failed"\} 1/);
});

test('a job that fails with attempts left but no retry (BullMQ UnrecoverableError, as for a job stalled too often) is logged as failed for good', async () => {
  const hopeless = outcome('hopeless-1');
  await queues.config.add('hopeless', {}, { attempts: 5, jobId: 'hopeless-1' });
  await assert.rejects(hopeless, /never again/);
  // The first failure of a job with a retry left; the outcome of the second comes by the log.
  const firstTry = outcome('retried-1');
  const retried = await queues.config.add('boom', {}, { attempts: 2, jobId: 'retried-1', backoff: 0 });
  await assert.rejects(firstTry, /kaput/);
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

test('closing is bounded: a job that never finishes does not hold the shutdown past its grace', async () => {
  const c = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const p = uniqueName('bull');
  const q = createQueues(c, p);
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  // Held past the close; let go at the end so the worker's connections close and the file can exit.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const stuck = startWorkers({
    connection: c,
    prefix: p,
    logger,
    metrics,
    ctx: {},
    processors: [{ queue: 'config', name: 'forever', handle: () => (started(), held) }],
  });
  try {
    await q.config.add('forever', {});
    await running;
    const t0 = performance.now();
    await stuck.close(300);
    // Grace, then the forced close (itself bounded): far below a hang, whatever the load.
    assert.ok(performance.now() - t0 < 30_000);
    assert.ok(lines.some((l) => l.msg?.startsWith('workers did not close in time')));
  } finally {
    release();
    await Promise.allSettled(stuck.workers.map((w) => w.close()));
    await closeQueues(q);
    c.disconnect();
    await dropRedisPrefix(p);
  }
});
