import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { APP_BURST, APP_PER_MINUTE, APP_PER_SECOND, PER_RECIPIENT_PER_SECOND, UPDATES_PER_MESSAGE_PER_SECOND } from '../core/feishu-limits';

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
 * Beside the logs, the app's sends are paced (GCRA: a theoretical arrival time in KEYS[1]):
 * `burst` at once, then one per `interval` ms (0: not paced). The logs alone would let the
 * minute's 1,000 go in its first 20 seconds.
 * KEYS: the pace, then the logs to respect; ARGV: member, in-flight ms, pace interval ms, pace
 * burst, then each log's limit and window ms.
 * Returns 0 when admitted (the member is in every log), else the ms to wait.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[3])
local base = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local wait = base - now - (tonumber(ARGV[4]) - 1) * interval
if wait < 0 then wait = 0 end
for i = 2, #KEYS do
  local key = KEYS[i]
  local max = tonumber(ARGV[3 + 2 * i - 2])
  local window = tonumber(ARGV[4 + 2 * i - 2])
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
if interval > 0 then redis.call('SET', KEYS[1], base + interval, 'PX', base + interval - now + 1000) end
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], now + tonumber(ARGV[2]), ARGV[1])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2]) + tonumber(ARGV[4 + 2 * i - 2]))
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

/**
 * Which of Feishu's APIs a limit counts: sending messages (keyed by recipient), or updating
 * cards (keyed by message). Each has its own logs, as Feishu counts them apart.
 */
export type LimitedApi = 'send' | 'update';
const KEYS: Record<LimitedApi, { one: string; app: string }> = {
  send: { one: 'feishu-rl:to:', app: 'feishu-rl:app' },
  update: { one: 'feishu-rl:update:msg:', app: 'feishu-rl:update:app' },
};

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
  /** Of the minute's sends, how many may go at once before the rest are paced (≥ perAppPerMinute: not paced). */
  appBurst: number;
}

const FEISHU: SendLimits = { perRecipientPerSecond: PER_RECIPIENT_PER_SECOND, perAppPerSecond: APP_PER_SECOND, perAppPerMinute: APP_PER_MINUTE, appBurst: APP_BURST };
/** Card updates: 5 a second to one message ("recipient" is the message id), the app's 50/s and 1,000/min of their own. */
export const FEISHU_UPDATES: SendLimits = { ...FEISHU, perRecipientPerSecond: UPDATES_PER_MESSAGE_PER_SECOND };

/** The sends one job run was admitted for; `close` once they are done (sent or failed). */
export interface Slots {
  /** 0 when a message to `recipient` (chat id, open_id, webhook key; the message id of an update) may go now; else ms to wait. */
  gate: (recipient: string) => Promise<number>;
  /** Feishu has answered (or the send was given up): the admitted sends count from now. */
  close: () => Promise<void>;
}

/**
 * Feishu's message limits, counted in Redis so every worker process shares them: 5 a second to
 * one chat or person; for the app 50 a second and 1,000 a minute. `api: 'update'` counts card
 * updates instead (5 a second to one message; the update API's own 50/s and 1,000/min): with
 * only the `notify` queue's limiter in front of them, a long storm's card updates went past
 * the minute's 1,000 unchecked. The queue's limiter only keeps it from running far ahead.
 */
export class RecipientRateLimit {
  private readonly app: Log[];
  /** Ms between paced sends: the minute's sends after the burst, spread over the minute. */
  private readonly paceMs: number;
  private readonly keys: { one: string; app: string };

  constructor(
    private readonly redis: Redis,
    private readonly limits: SendLimits = FEISHU,
    api: LimitedApi = 'send',
  ) {
    this.keys = KEYS[api];
    this.app = [
      { key: this.keys.app, max: limits.perAppPerSecond, windowMs: SECOND_MS },
      { key: `${this.keys.app}-minute`, max: limits.perAppPerMinute, windowMs: MINUTE_MS },
    ];
    // Whole ms (Redis keeps the pace as an integer), rounded up: never faster than allowed.
    this.paceMs = limits.appBurst < limits.perAppPerMinute ? Math.ceil(MINUTE_MS / (limits.perAppPerMinute - limits.appBurst)) : 0;
  }

  /** A job run's slots: gate as often as it sends, close when its sends are answered. */
  slots(): Slots {
    const taken: { member: string; logs: Log[] }[] = [];
    return {
      gate: async (recipient) => {
        const member = randomUUID();
        const logs = [{ key: `${this.keys.one}${recipient}`, max: this.limits.perRecipientPerSecond, windowMs: SECOND_MS }, ...this.app];
        const keys = [`${this.keys.app}-pace`, ...logs.map((l) => l.key)];
        const args = [member, IN_FLIGHT_MS, this.paceMs, this.limits.appBurst, ...logs.flatMap((l) => [l.max, l.windowMs])];
        const wait = Number(await this.redis.eval(TAKE, keys.length, ...keys, ...args));
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
