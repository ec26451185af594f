import type { Job } from 'bullmq';
import type { SendOutcome } from '../events/sender';
import type { WorkerContext } from './context';
import { lastAttempt, putBack } from './put-back';

/** Feishu asking us to wait is not a failure, but it should not go on for ever either. */
const MAX_WAITS = 30;

/**
 * The common part of every job that sends one message: wait for the recipient's rate limit,
 * send, and turn the outcome into what BullMQ should do. A 429 with `x-ogw-ratelimit-reset`
 * puts the job back for exactly that long; other retryable failures throw, for BullMQ's
 * backoff; on the last attempt the sender records a refusal instead of throwing.
 */
export async function settleSend(
  job: Job<{ waits?: number }>,
  token: string | undefined,
  ctx: Pick<WorkerContext, 'recipientLimit'>,
  recipient: string,
  send: (lastAttempt: boolean) => Promise<SendOutcome>,
): Promise<string> {
  const wait = await ctx.recipientLimit.waitMs(recipient);
  if (wait > 0) return putBack(job, token, wait);
  const out = await send(lastAttempt(job));
  if (out.status !== 'retry') return out.status;
  const waits = job.data.waits ?? 0;
  if (out.afterMs !== null && waits < MAX_WAITS) {
    await job.updateData({ ...job.data, waits: waits + 1 });
    return putBack(job, token, out.afterMs);
  }
  throw out.error;
}
