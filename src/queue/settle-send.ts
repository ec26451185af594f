import type { Job } from 'bullmq';
import type { RateGate, SendOutcome } from '../events/sender';
import type { RecipientRateLimit } from '../feishu/rate-limit';
import { lastAttempt, putBack } from './put-back';

/** Feishu asking us to wait is not a failure, but it should not go on for ever either. */
const MAX_WAITS = 30;

/**
 * The common part of every job that sends one message: turn the sender's outcome into what
 * BullMQ should do. Waiting for the recipient's rate limit, or a 429 with
 * `x-ogw-ratelimit-reset`, puts the job back for exactly that long (no attempt counted);
 * other retryable failures throw, for BullMQ's backoff; on the last attempt the sender
 * records a refusal instead of throwing. What the gate let through counts against Feishu's
 * limits from when the send is over, answered or not.
 */
export async function settleSend(
  job: Job<{ waits?: number }>,
  token: string | undefined,
  limit: RecipientRateLimit,
  send: (lastAttempt: boolean, gate: RateGate) => Promise<SendOutcome>,
): Promise<string> {
  const slots = limit.slots();
  let out: SendOutcome;
  try {
    out = await send(lastAttempt(job), slots.gate);
  } finally {
    await slots.close();
  }
  if (out.status === 'wait') return putBack(job, token, out.afterMs);
  if (out.status !== 'retry') return out.status;
  const waits = job.data.waits ?? 0;
  if (out.afterMs !== null && waits < MAX_WAITS) {
    await job.updateData({ ...job.data, waits: waits + 1 });
    return putBack(job, token, out.afterMs);
  }
  throw out.error;
}
