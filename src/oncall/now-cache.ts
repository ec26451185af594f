import type { Redis } from 'ioredis';
import type { Day } from './dates';
import type { ShiftClock } from './shifts';
import type { OncallPerson } from './store';

/** What the cache holds for one group: its shift clock and the answers of the days asked. */
export interface CachedNow {
  clock: ShiftClock | null;
  days: Map<Day, OncallPerson | null>;
}

/**
 * Read-through cache of `oncallNow` answers in Redis, shared by every process. One hash per
 * group: field `clock` (time zone and handoff time, so a hit needs no database at all) and
 * one field per roster day (`day:YYYY-MM-DD`), so an answer never outlives its day. The hash
 * expires `ttlMs` after its FIRST write (PEXPIRE NX): later writes do not extend it, so no
 * answer is older than the TTL. Any change to the group drops the whole hash.
 */
export class OncallNowCache {
  constructor(
    private readonly redis: Redis,
    readonly ttlMs = 30_000,
  ) {}

  private key = (groupId: number): string => `oncall:now:${groupId}`;

  /** One round trip; a Redis failure reads as a miss (the database answers instead). */
  async read(groupId: number): Promise<CachedNow> {
    let raw: Record<string, string> = {};
    try {
      raw = await this.redis.hgetall(this.key(groupId));
    } catch {
      // The cache only saves work.
    }
    const days = new Map<Day, OncallPerson | null>();
    for (const [field, value] of Object.entries(raw)) if (field.startsWith('day:')) days.set(field.slice(4), JSON.parse(value));
    return { clock: raw.clock ? JSON.parse(raw.clock) : null, days };
  }

  async write(groupId: number, clock: ShiftClock, day: Day, person: OncallPerson | null): Promise<void> {
    const key = this.key(groupId);
    try {
      await this.redis
        .multi()
        .hset(key, 'clock', JSON.stringify(clock), `day:${day}`, JSON.stringify(person))
        .pexpire(key, this.ttlMs, 'NX')
        .exec();
    } catch {
      // A failed write just means the next call asks the database again.
    }
  }

  /** Call after the change committed. */
  async drop(groupId: number): Promise<void> {
    await this.redis.del(this.key(groupId));
  }
}
