import type { Redis } from 'ioredis';
import type { ScrapeCache } from '../core/ports';

const GEN_KEY = 'sd:gen';

/**
 * http_sd answers cached in Redis as their JSON text, shared by every api process. Keys
 * carry a generation number that any change bumps, so a change drops every answer at once
 * without a scan; the TTL bounds what a missed bump (or health drift) could leave stale.
 */
export class SdCache implements ScrapeCache {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = 30,
  ) {}

  async get(key: string): Promise<{ value: string | null; gen: string }> {
    const gen = (await this.redis.get(GEN_KEY)) ?? '0';
    return { value: await this.redis.get(`sd:${gen}:${key}`), gen };
  }

  /** Stores under the generation read before computing, so a racing change wins. */
  async set(key: string, gen: string, value: string): Promise<void> {
    await this.redis.set(`sd:${gen}:${key}`, value, 'EX', this.ttlSeconds);
  }

  async invalidate(): Promise<void> {
    await this.redis.incr(GEN_KEY);
  }
}
