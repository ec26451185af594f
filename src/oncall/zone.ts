/**
 * Wall clocks of IANA time zones, through Intl only. A "wall time" is a local date and time
 * written as if it were UTC milliseconds since the epoch, so calendar arithmetic on it is plain
 * integer math and only the two conversions below ever consult the zone rules.
 */
import { invalidField } from '../core/errors';

export const DAY_MS = 86_400_000;

// Building a DateTimeFormat costs far more than using one; zones are few, so keep them.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw invalidField('timezone', `unknown time zone '${timeZone}'`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** What a clock in `timeZone` reads at `instantMs`, as a wall time. */
export function wallTimeAt(timeZone: string, instantMs: number): number {
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) p[part.type] = Number(part.value);
  const seconds = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return seconds + (((instantMs % 1000) + 1000) % 1000);
}

/**
 * The earliest instant at which a clock in `timeZone` reads `wall` or later. That is the
 * instant itself on an ordinary day; the first of the two when a fall-back repeats that hour;
 * and, when a spring-forward skips it, the moment of the jump (the first instant whose clock
 * has passed `wall`). Assumes at most one offset change within a day of `wall`, which holds
 * for every zone in the tz database.
 */
export function firstInstantAtWall(timeZone: string, wall: number): number {
  const offsetBefore = wallTimeAt(timeZone, wall - DAY_MS) - (wall - DAY_MS);
  const offsetAfter = wallTimeAt(timeZone, wall + DAY_MS) - (wall + DAY_MS);
  const early = wall - Math.max(offsetBefore, offsetAfter);
  const late = wall - Math.min(offsetBefore, offsetAfter);
  if (wallTimeAt(timeZone, early) === wall) return early;
  if (wallTimeAt(timeZone, late) === wall) return late;
  // Skipped wall time: the clock reads less than `wall` at `early` and more at `late`;
  // find the jump to the millisecond.
  let lo = early;
  let hi = late;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallTimeAt(timeZone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}
