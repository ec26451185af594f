import type { Redis, RedisOptions } from 'ioredis';
import type { Logger } from './logger';

/**
 * Options of the Redis clients that answer requests (the app's client and BullMQ's Queue,
 * i.e. producer, connection), so that a Redis that is down costs a fast 503, not a hang:
 * - no offline queue: a command while disconnected fails at once instead of waiting for a
 *   reconnect, holding the request (and its body) in memory meanwhile (BullMQ's own advice for
 *   producers: "failing fast when Redis is down");
 * - every command fails after `timeoutMs`: a connection that is open but answers nothing (a
 *   stopped or partitioned Redis) would otherwise hold it for ever;
 * - a socket that receives nothing for twice that while commands wait is closed and
 *   reconnected, so a half-open connection is noticed and later commands fail at once.
 * Workers keep their own connection with `maxRetriesPerRequest: null`: they block on Redis
 * and should wait for it, as BullMQ requires.
 */
export const failFastRedisOptions = (timeoutMs: number): RedisOptions => ({
  enableOfflineQueue: false,
  commandTimeout: timeoutMs,
  socketTimeout: 2 * timeoutMs,
});

/** Errors that mean "Redis is not there right now" (not "Redis refused this command"). */
const UNAVAILABLE = /^(Stream isn't writeable|Command timed out|Connection is closed|Socket timeout|Reached the max retries per request limit)|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|OOM command not allowed|LOADING /;

export const isRedisUnavailable = (e: unknown): boolean =>
  e instanceof Error && (e.name === 'MaxRetriesPerRequestError' || UNAVAILABLE.test(e.message));

/** host:port of a Redis URL, for logs (never the password). */
export const redisAddress = (url: string): string => {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '6379'}`;
};

/**
 * Resolves once the client is connected. A fail-fast client refuses commands until then, so
 * start-up waits here (as it always waited for Redis), saying so every few seconds.
 */
export async function redisReady(client: Redis, logger: Logger, address: string): Promise<void> {
  if (client.status === 'ready') return;
  const nag = setInterval(() => logger.warn({ redis: address }, 'waiting for Redis'), 5000);
  let onReady = (): void => undefined;
  let onEnd = (): void => undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      onReady = resolve;
      onEnd = () => reject(new Error(`Redis connection to ${address} closed before it was ready`));
      client.once('ready', onReady);
      client.once('end', onEnd);
    });
  } finally {
    clearInterval(nag);
    client.off('ready', onReady);
    client.off('end', onEnd);
  }
}

/**
 * One log line when a client loses Redis and one when it is back, instead of ioredis'
 * "Unhandled error event" on every reconnect attempt.
 */
export function logRedisState(client: Redis, logger: Logger, name: string): void {
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.error({ client: name, err: err.message }, 'Redis unreachable: requests that need it are answered 503 until it is back');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ client: name }, 'Redis reachable again');
  });
}

/** Closes a client whether or not Redis answers (a fail-fast client cannot QUIT while disconnected). */
export async function quitRedis(client: Redis): Promise<void> {
  try {
    if (client.status === 'ready') await client.quit();
  } catch {
    // Redis is down or not answering: nothing to say goodbye to.
  } finally {
    client.disconnect();
  }
}
