import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { APP_PER_SECOND, PER_RECIPIENT_PER_SECOND } from '../core/feishu-limits';

const WINDOW_MS = 1000;
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
 * KEYS: the logs to respect; ARGV: member, window ms, in-flight ms, then each key's limit.
 * Returns 0 when admitted (the member is in every log), else the ms to wait.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[2])
local wait = 0
for i, key in ipairs(KEYS) do
  local max = tonumber(ARGV[3 + i])
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
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + tonumber(ARGV[3]), ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[3]) + window)
end
return 0`;

/**
 * Stamps a member with Redis's time now in every log (again, should it have expired meanwhile).
 * KEYS: the logs; ARGV: member, ms to keep the log.
 */
const STAMP = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[1])
  redis.call('PEXPIRE', key, tonumber(ARGV[2]))
end
return 0`;

const APP_KEY = 'feishu-rl:app';
const recipientKey = (recipient: string): string => `feishu-rl:to:${recipient}`;

/** The sends one job run was admitted for; `close` once they are done (sent or failed). */
export interface Slots {
  /** 0 when a message to `recipient` (chat id, open_id, webhook key) may go now; else ms to wait. */
  gate: (recipient: string) => Promise<number>;
  /** Feishu has answered (or the send was given up): the admitted sends count from now. */
  close: () => Promise<void>;
}

/**
 * Feishu's message limits, counted in Redis so every worker process shares them: 5 a second to
 * one chat or person, 50 a second for the app. The `notify` queue's own limiter (jobs started
 * a second, card updates included) only keeps the queue from running far ahead of this.
 */
export class RecipientRateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly perRecipient = PER_RECIPIENT_PER_SECOND,
    private readonly perApp = APP_PER_SECOND,
  ) {}

  /** A job run's slots: gate as often as it sends, close when its sends are answered. */
  slots(): Slots {
    const taken: { member: string; keys: string[] }[] = [];
    return {
      gate: async (recipient) => {
        const member = randomUUID();
        const keys = [recipientKey(recipient), APP_KEY];
        const wait = Number(await this.redis.eval(TAKE, keys.length, ...keys, member, WINDOW_MS, IN_FLIGHT_MS, this.perRecipient, this.perApp));
        if (wait === 0) taken.push({ member, keys });
        return wait;
      },
      close: async () => {
        for (const { member, keys } of taken.splice(0)) {
          // A stamp lost (Redis away) leaves the slot in flight for IN_FLIGHT_MS: slower, never
          // over; and it must not turn a send that went out into a failure sent again.
          await this.redis.eval(STAMP, keys.length, ...keys, member, IN_FLIGHT_MS + WINDOW_MS).catch(() => undefined);
        }
      },
    };
  }
}
