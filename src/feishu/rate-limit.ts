import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { APP_PER_MINUTE, APP_PER_SECOND, PER_RECIPIENT_PER_SECOND } from '../core/feishu-limits';

const SECOND_MS = 1000;
const MINUTE_MS = 60_000;
/**
 * How long a send admitted and not yet answered counts as "happening now". It is stamped
 * with the time Feishu answered once it did (`Slots.close`); this only bounds how long the
 * slot of a process that died mid-send stays taken.
 */
const IN_FLIGHT_MS = 10_000;

/**
 * A sliding log per key (a sorted set of send times; Redis's clock, so every process agrees).
 * A send in flight is scored in the future: it is counted until it is stamped with the time
 * its answer came, and the next send beyond the limit goes a full window after that answer.
 * That way a send is never within a second of the fifth before it as Feishu counts them,
 * however long each took between being admitted and reaching Feishu. (A fixed window counted
 * at admission let two sends a few ms apart in Feishu's eyes fall into two windows: 4 sends
 * over the limit in the 10,000-alert storm, issue 15.)
 * KEYS: the logs to respect; ARGV: member, in-flight ms, then each key's limit and window ms.
 * Returns 0 when admitted (the member is in every log), else the ms to wait.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local wait = 0
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[1 + 2 * i])
  local window = tonumber(ARGV[2 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  if n >= max then
    local score = tonumber(redis.call('ZRANGE', key, n - max, n - max, 'WITHSCORES')[2])
    -- In flight: it will be answered no sooner than now, and counts a full window after that.
    local w = score > now and window or score + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2]) + tonumber(ARGV[2 + 2 * i]))
end
return 0`;

/**
 * Stamps a member with Redis's time now in every log (again, should it have expired meanwhile).
 * KEYS: the logs; ARGV: member, then each key's ms to keep it.
 */
const STAMP = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[1 + i]))
end
return 0`;

/** One sliding log: at most `max` sends in any `windowMs`. */
interface Log {
  key: string;
  max: number;
  windowMs: number;
}

/** Feishu's limits on sending messages (src/core/feishu-limits.ts); tests pass smaller ones. */
export interface SendLimits {
  perRecipientPerSecond: number;
  perAppPerSecond: number;
  perAppPerMinute: number;
}

const FEISHU: SendLimits = { perRecipientPerSecond: PER_RECIPIENT_PER_SECOND, perAppPerSecond: APP_PER_SECOND, perAppPerMinute: APP_PER_MINUTE };

/** The sends one job run was admitted for; `close` once they are done (sent or failed). */
export interface Slots {
  /** 0 when a message to `recipient` (chat id, open_id, webhook key) may go now; else ms to wait. */
  gate: (recipient: string) => Promise<number>;
  /** Feishu has answered (or the send was given up): the admitted sends count from now. */
  close: () => Promise<void>;
}

/**
 * Feishu's message limits, counted in Redis so every worker process shares them: 5 a second to
 * one chat or person; for the app 50 a second and 1,000 a minute. The `notify` queue's own
 * limiter (jobs started a second, card updates included) only keeps the queue from running
 * far ahead of this.
 */
export class RecipientRateLimit {
  private readonly app: Log[];

  constructor(
    private readonly redis: Redis,
    private readonly limits: SendLimits = FEISHU,
  ) {
    this.app = [
      { key: 'feishu-rl:app', max: limits.perAppPerSecond, windowMs: SECOND_MS },
      { key: 'feishu-rl:app-minute', max: limits.perAppPerMinute, windowMs: MINUTE_MS },
    ];
  }

  /** A job run's slots: gate as often as it sends, close when its sends are answered. */
  slots(): Slots {
    const taken: { member: string; logs: Log[] }[] = [];
    return {
      gate: async (recipient) => {
        const member = randomUUID();
        const logs = [{ key: `feishu-rl:to:${recipient}`, max: this.limits.perRecipientPerSecond, windowMs: SECOND_MS }, ...this.app];
        const args = logs.flatMap((l) => [l.max, l.windowMs]);
        const wait = Number(await this.redis.eval(TAKE, logs.length, ...logs.map((l) => l.key), member, IN_FLIGHT_MS, ...args));
        if (wait === 0) taken.push({ member, logs });
        return wait;
      },
      close: async () => {
        for (const { member, logs } of taken.splice(0)) {
          // A stamp lost (Redis away) leaves the slot in flight for IN_FLIGHT_MS: slower, never
          // over; and it must not turn a send that went out into a failure sent again.
          const keep = logs.map((l) => IN_FLIGHT_MS + l.windowMs);
          await this.redis.eval(STAMP, logs.length, ...logs.map((l) => l.key), member, ...keep).catch(() => undefined);
        }
      },
    };
  }
}
