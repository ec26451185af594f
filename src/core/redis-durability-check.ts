import type { Redis } from 'ioredis';
import { StartRefusedError } from './errors';
import type { Logger } from './logger';
import { durabilityMessage, judgeDurability, type Durability, type DurabilityObservation } from './redis-durability';

const PARAMS = { appendonly: 'appendonly', appendfsync: 'appendfsync', maxmemoryPolicy: 'maxmemory-policy' } as const;

/**
 * Reads the persistence settings with CONFIG GET, one parameter per call (Redis 6 takes only
 * one). A Redis that refuses CONFIG (managed services disable or rename it), or that answers
 * nothing for a parameter, is `unreadable`: promduty cannot tell, and says how to declare it.
 */
export async function observeDurability(redis: Pick<Redis, 'config'>): Promise<DurabilityObservation> {
  try {
    const entries = await Promise.all(
      Object.entries(PARAMS).map(async ([field, param]) => {
        const reply = (await redis.config('GET', param));
        const value = Array.isArray(reply) ? reply[1] : undefined;
        if (typeof value !== 'string') throw new Error(`CONFIG GET ${param} returned nothing`);
        return [field, value] as const;
      }),
    );
    return { config: Object.fromEntries(entries) as { [K in keyof typeof PARAMS]: string } };
  } catch (e) {
    return { unreadable: e instanceof Error ? e.message : String(e) };
  }
}

export async function checkDurability(redis: Pick<Redis, 'config'>, mode: 'check' | 'assume'): Promise<Durability> {
  return judgeDurability(mode === 'assume' ? null : await observeDurability(redis), mode);
}

/**
 * At start: an error naming the fix when Redis does not keep what promduty acknowledges, and
 * a refusal to start when REDIS_REQUIRE_DURABLE asks for durability.
 */
export function enforceDurability(d: Durability, required: boolean, logger: Logger): void {
  for (const note of d.notes) logger.warn({ redisDurability: d.status }, note);
  if (d.ok) {
    logger.info({ redisDurability: d.status }, 'Redis durability checked');
    return;
  }
  const message = durabilityMessage(d);
  if (required) throw new StartRefusedError(`${message}. promduty refuses to start (REDIS_REQUIRE_DURABLE=true; set it to false to run anyway)`);
  logger.error({ redisDurability: d.status }, `${message}. Running anyway (REDIS_REQUIRE_DURABLE=false)`);
}
