import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { CardSender } from '../core/ports';
import type { Locale } from '../i18n';
import { UserService } from '../users/users';
import { OncallGroupService } from './groups';
import { HandoffService } from './handoff';
import { OncallNowCache } from './now-cache';
import { OncallService } from './roster-service';
import { SwapService } from './swaps';
import { CalendarFeedService } from './calendar-feeds';
import { ShiftNoticeService } from './shift-notices';
import { SwapNoticeService } from './swap-notices';
import { SwapRequestService, type SwapRequestChange } from './swap-requests';

export interface OncallDeps {
  redis: Redis;
  clock: Clock;
  logger: Logger;
  sender: CardSender;
  /** settings.timezone */
  defaultTimezone: string;
  /** settings.locale: the language of notices and handoff cards. */
  locale: Locale;
  /** settings.calendarSecret: the key calendar feed tokens are derived with. */
  calendarSecret: string;
  /** settings.publicUrl: where calendar feed URLs point. */
  publicUrl: string;
  /** After a swap request changed: queue its notices (a job in production). */
  swapRequestChanged: (change: SwapRequestChange) => Promise<void>;
}

/** The on-call services, sharing one `oncallNow` cache so every change drops what it must. */
export function oncallServices(db: Knex, d: OncallDeps) {
  const cache = new OncallNowCache(d.redis);
  const oncall = new OncallService(db, d.clock, cache);
  return {
    oncall,
    oncallGroups: new OncallGroupService(db, new UserService(db), cache, d.clock, d.defaultTimezone),
    oncallSwaps: new SwapService(db, cache, d.clock),
    oncallSwapRequests: new SwapRequestService(db, cache, d.clock, d.swapRequestChanged),
    swapNotices: new SwapNoticeService(db, d.sender, d.logger, d.locale),
    shiftNotices: new ShiftNoticeService(db, d.clock, d.sender, d.logger, d.locale),
    calendars: new CalendarFeedService(db, oncall, d.clock, d.calendarSecret, d.publicUrl, d.locale),
    handoff: new HandoffService(db, d.redis, d.clock, oncall, d.sender, d.logger, d.locale),
  };
}
