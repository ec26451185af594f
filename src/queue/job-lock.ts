import { DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

/**
 * Runs `fn` holding a Redis lock on `key`, so two workers never publish the same pool or
 * cluster at once. When the lock is taken the job is put back for a moment (BullMQ's
 * moveToDelayed + DelayedError) rather than failed or run twice.
 */
export async function withJobLock<T>(
  redis: Redis,
  key: string,
  job: Job,
  token: string | undefined,
  fn: () => Promise<T>,
  ttlMs = 120_000,
): Promise<T> {
  const owner = randomUUID();
  const got = await redis.set(`lock:${key}`, owner, 'PX', ttlMs, 'NX');
  if (got !== 'OK') {
    await job.moveToDelayed(Date.now() + 1000, token);
    throw new DelayedError();
  }
  try {
    return await fn();
  } finally {
    // Release only our own lock (it may have expired and been taken by another worker).
    await redis.eval(
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
      1,
      `lock:${key}`,
      owner,
    );
  }
}
