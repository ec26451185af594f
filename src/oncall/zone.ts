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

/** The zone's UTC offset at an instant, asked of Intl (a few microseconds: it formats a date). */
function intlOffset(timeZone: string, instantMs: number): number {
  const p: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) p[part.type] = Number(part.value);
  const seconds = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return seconds - (instantMs - (((instantMs % 1000) + 1000) % 1000));
}

/** A zone's offsets over one UTC year [start, end): when each takes effect, oldest first (the first: at start). */
interface YearOffsets {
  start: number;
  end: number;
  changes: Array<{ at: number; offset: number }>;
}

/**
 * Offsets are asked of Intl once per zone and UTC year (a scan by day, each change bisected
 * to the millisecond: about 400 Intl calls), then read off the table. Rosters, shift runs
 * and calendar feeds convert thousands of instants each; asking Intl for every one made a
 * 400-day feed hold the event loop for hundreds of milliseconds. Like the rest of this file,
 * the scan assumes at most one offset change within a day, which holds for every zone in
 * the tz database. Zone rules do not change while the process runs; the cap only bounds
 * memory against odd inputs.
 */
const yearTables = new Map<string, YearOffsets>();
const MAX_YEAR_TABLES = 2000;
/** Per zone, the table last read: conversions come in runs within one year. */
const lastRead = new Map<string, YearOffsets>();

function yearOffsets(timeZone: string, year: number): YearOffsets {
  const key = `${timeZone}@${year}`;
  const known = yearTables.get(key);
  if (known) return known;
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const changes = [{ at: start, offset: intlOffset(timeZone, start) }];
  for (let prev = start; prev < end; ) {
    const t = Math.min(prev + DAY_MS, end);
    const offset = changes[changes.length - 1]!.offset;
    if (intlOffset(timeZone, t) !== offset) {
      let lo = prev;
      let hi = t;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (intlOffset(timeZone, mid) === offset) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, offset: intlOffset(timeZone, hi) });
    }
    prev = t;
  }
  if (yearTables.size >= MAX_YEAR_TABLES) yearTables.clear();
  const table = { start, end, changes };
  yearTables.set(key, table);
  return table;
}

/** What a clock in `timeZone` reads at `instantMs`, as a wall time. */
export function wallTimeAt(timeZone: string, instantMs: number): number {
  let table = lastRead.get(timeZone);
  if (!table || instantMs < table.start || instantMs >= table.end) {
    table = yearOffsets(timeZone, new Date(instantMs).getUTCFullYear());
    lastRead.set(timeZone, table);
  }
  const { changes } = table;
  let i = changes.length - 1;
  while (changes[i]!.at > instantMs) i--;
  return instantMs + changes[i]!.offset;
}

/** A change of a zone's UTC offset: at that instant, from one offset to the other. */
export interface OffsetChange {
  at: number;
  from: number;
  to: number;
}

/** The offset changes of `timeZone` after `fromMs` and up to `toMs`, oldest first. */
export function offsetChangesBetween(timeZone: string, fromMs: number, toMs: number): OffsetChange[] {
  const out: OffsetChange[] = [];
  let offset = wallTimeAt(timeZone, fromMs) - fromMs;
  for (let year = new Date(fromMs).getUTCFullYear(); year <= new Date(toMs).getUTCFullYear(); year++) {
    for (const c of yearOffsets(timeZone, year).changes) {
      if (c.at <= fromMs || c.at > toMs || c.offset === offset) continue;
      out.push({ at: c.at, from: offset, to: c.offset });
      offset = c.offset;
    }
  }
  return out;
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
