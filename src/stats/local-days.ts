import { fromEpochDay, toEpochDay, type Day } from '../oncall/dates';
import { DAY_MS, firstInstantAtWall, wallTimeAt } from '../oncall/zone';

/**
 * Working hours, for "after-hours pages": 09:00 to 18:00 local time, Monday to Friday.
 * Everything else (evenings, nights, Saturdays and Sundays) is after hours. Public holidays
 * are not known to promduty and count as working days.
 */
export const WORKING_HOURS = { startHour: 9, endHour: 18 } as const;

const HOUR_MS = 3_600_000;

interface LocalDay {
  day: Day;
  start: number;
  workStart: number;
  workEnd: number;
  weekend: boolean;
}

/**
 * The local days of one time zone over a span of instants, each with its start and its
 * working hours as instants: which day an instant falls on, and whether it is after hours,
 * are then a binary search and two comparisons (the zone's rules are consulted only while
 * the days are built, a few per day), exact across DST changes.
 */
export class LocalDays {
  private readonly days: LocalDay[] = [];

  /** The days from the one holding `fromMs` to the one holding `toMs`, plus one on each side. */
  constructor(
    readonly timeZone: string,
    fromMs: number,
    toMs: number,
  ) {
    const first = toEpochDay(localDayOf(timeZone, fromMs)) - 1;
    const last = toEpochDay(localDayOf(timeZone, toMs)) + 1;
    for (let d = first; d <= last + 1; d++) {
      const wall = d * DAY_MS;
      this.days.push({
        day: fromEpochDay(d),
        start: firstInstantAtWall(timeZone, wall),
        workStart: firstInstantAtWall(timeZone, wall + WORKING_HOURS.startHour * HOUR_MS),
        workEnd: firstInstantAtWall(timeZone, wall + WORKING_HOURS.endHour * HOUR_MS),
        // 1970-01-01 was a Thursday: (epochDay + 4) % 7 is 0 on Sundays, 6 on Saturdays.
        weekend: [0, 6].includes((((d + 4) % 7) + 7) % 7),
      });
    }
  }

  /** The local day `ms` falls on (null outside the span given). */
  dayOf(ms: number): Day | null {
    return this.find(ms)?.day ?? null;
  }

  /** Outside 09:00–18:00 on a weekday, or any time on a weekend. */
  afterHours(ms: number): boolean {
    const d = this.find(ms);
    if (!d) return false;
    return d.weekend || ms < d.workStart || ms >= d.workEnd;
  }

  private find(ms: number): LocalDay | null {
    let lo = 0;
    let hi = this.days.length - 2; // the last entry only closes the one before it
    if (hi < 0 || ms < this.days[0]!.start || ms >= this.days[hi + 1]!.start) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.days[mid]!.start <= ms) lo = mid;
      else hi = mid - 1;
    }
    return this.days[lo]!;
  }
}

/** The calendar day a clock in `timeZone` shows at `ms`. */
export function localDayOf(timeZone: string, ms: number): Day {
  return fromEpochDay(Math.floor(wallTimeAt(timeZone, ms) / DAY_MS));
}

/** The instant the local day `day` starts in `timeZone`. */
export function startOfLocalDay(timeZone: string, day: Day): number {
  return firstInstantAtWall(timeZone, toEpochDay(day) * DAY_MS);
}
