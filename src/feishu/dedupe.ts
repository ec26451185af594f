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

/** Whether an event id was taken already (firstDelivery ran for it). */
export async function taken(redis: Pick<Redis, 'exists'>, eventId: string): Promise<boolean> {
  return (await redis.exists(key(eventId))) === 1;
}
