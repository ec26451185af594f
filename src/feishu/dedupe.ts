import type { Redis } from 'ioredis';

/** Feishu retries for hours at most; a day covers every retry of one delivery. */
export const DEDUPE_TTL_S = 24 * 3600;

const key = (eventId: string) => `feishu:event:${eventId}`;

/**
 * True for the first delivery of an event id, false for a replay or a retry of one already
 * taken. One atomic SET NX, so two API processes receiving the same retry agree. The
 * client's keyPrefix keeps installs apart.
 */
export async function firstDelivery(redis: Pick<Redis, 'set'>, eventId: string): Promise<boolean> {
  return (await redis.set(key(eventId), '1', 'EX', DEDUPE_TTL_S, 'NX')) === 'OK';
}

/** Lets Feishu's retry through again after we failed to take the event in. */
export async function forgetDelivery(redis: Pick<Redis, 'del'>, eventId: string): Promise<void> {
  await redis.del(key(eventId));
}
