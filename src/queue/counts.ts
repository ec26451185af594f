import type { QueueName } from './names';
import type { Queues } from './queues';

/** Job counts per queue and state, for /metrics and readiness reporting. */
export async function queueCounts(queues: Queues): Promise<Record<QueueName, Record<string, number>>> {
  const entries = await Promise.all(
    Object.entries(queues).map(async ([name, q]) => [name, await q.getJobCounts('waiting', 'active', 'delayed', 'failed')] as const),
  );
  return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
}
