import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { PER_RECIPIENT_PER_SECOND } from '../core/feishu-limits';

/**
 * Feishu's per-recipient limit, counted in Redis so every worker process shares it. The
 * app-wide 50/s is the `notify` queue's own limiter (one Feishu call per job).
 */
export class RecipientRateLimit {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, perSecond = PER_RECIPIENT_PER_SECOND) {
    this.limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix: 'feishu-rl', points: perSecond, duration: 1 });
  }

  /** 0 when a message to `recipient` (chat id, open_id, webhook key) may go now; else ms to wait. */
  async waitMs(recipient: string): Promise<number> {
    try {
      await this.limiter.consume(recipient);
      return 0;
    } catch (e) {
      if (e instanceof RateLimiterRes) return Math.max(1, e.msBeforeNext);
      throw e;
    }
  }
}
