import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUES, type QueueName } from './names';

export type Queues = Record<QueueName, Queue>;

/** Every queue under the configured key prefix, so several promduty installs share a Redis. */
export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  return Object.fromEntries(
    QUEUES.map((name) => {
      const queue = new Queue(name, {
        connection,
        prefix,
        defaultJobOptions: {
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 3600, count: 1000 },
          removeOnFail: { age: 7 * 86400 },
        },
      });
      // A Queue re-emits its connection's errors, and BullMQ prints them to stderr when nobody
      // listens: once per reconnect attempt per queue. The connection's own listener
      // (core/redis-clients.ts logRedisState) logs an outage once.
      queue.on('error', () => undefined);
      return [name, queue];
    }),
  ) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}
