/**
 * An iCalendar feed (RFC 5545) of on-call shifts, built with ical-generator: one VEVENT per
 * shift (a run of days one person holds, see shift-runs.ts), its start and end as local times
 * of the group's zone with TZID, and a VTIMEZONE per zone from the same zone rules the shifts
 * are computed with (vtimezone.ts). Pure: the caller gathers the shifts.
 */
import type { Dayjs } from 'dayjs';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { offsetChanges, repeatedLocalTimes, vtimezone } from './vtimezone';
import { wallTimeAt } from './zone';

export interface IcalShift {
  /** Stable across refreshes while the shift stays the same: calendars update the event in place. */
  uid: string;
  summary: string;
  description: string;
  startsAt: Date;
  endsAt: Date;
  /** The group's IANA zone. */
  timezone: string;
}

export interface IcalFeed {
  name: string;
  description: string;
  /** X-WR-TIMEZONE: the zone a calendar app shows the feed in when it has to pick one. */
  timezone: string | null;
  shifts: IcalShift[];
  /** DTSTAMP of every event: when the feed was made. */
  now: Date;
}

/** Zone data is written for the span the events cover, with a day of margin either side. */
const MARGIN_MS = 86_400_000;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * An instant as the local time of its event's zone, in the shape ical-generator formats
 * dayjs values with (`format('YYYYMMDD')`, `format('HHmmss')`, `isValid()`, `toDate()`; no
 * `tz`, so it is taken as already in that zone). Hand-written because dayjs' own `.tz()` costs about 0.37 ms a call
 * (measured: 800 calls, 295 ms), which made a 400-day feed hold the event loop 450-800 ms;
 * wallTimeAt is the conversion the shifts themselves are computed with.
 */
function localTime(instant: Date, tz: string): Dayjs {
  const d = new Date(wallTimeAt(tz, instant.getTime()));
  const date = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return { format: (f: string) => (f === 'YYYYMMDD' ? date : time), isValid: () => true, toDate: () => instant } as unknown as Dayjs;
}

export function renderIcal(feed: IcalFeed): string {
  const starts = feed.shifts.map((s) => s.startsAt.getTime());
  const ends = feed.shifts.map((s) => s.endsAt.getTime());
  const from = (starts.length ? Math.min(...starts) : feed.now.getTime()) - MARGIN_MS;
  const to = (ends.length ? Math.max(...ends) : feed.now.getTime()) + MARGIN_MS;
  const cal = ical({
    name: feed.name,
    description: feed.description,
    prodId: { company: 'promduty', product: 'on-call', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    // Calendar apps poll a subscribed feed; this asks for hourly.
    ttl: 3600,
  });
  // No calendar-wide zone: ical-generator would then write DTSTAMP as a local time, and RFC
  // 5545 wants it in UTC. Every event names its zone; the generator adds each one's VTIMEZONE.
  const zones = new Map<string, ReturnType<typeof offsetChanges>>();
  const changesOf = (tz: string) => zones.get(tz) ?? zones.set(tz, offsetChanges(tz, from, to)).get(tz)!;
  cal.timezone({ name: null, generator: (tz) => vtimezone(tz, from, to, changesOf(tz)) });
  if (feed.timezone) cal.x('X-WR-TIMEZONE', feed.timezone);
  const repeated = new Map<string, (ms: number) => boolean>();
  for (const s of feed.shifts) {
    // Local times with TZID, except a start or end in an hour a fall-back repeats: that one
    // reads the same twice, and parsers disagree about which is meant (see vtimezone.ts).
    let isRepeated = repeated.get(s.timezone);
    if (!isRepeated) repeated.set(s.timezone, (isRepeated = repeatedLocalTimes(s.timezone, from, to, changesOf(s.timezone))));
    const utc = isRepeated(s.startsAt.getTime()) || isRepeated(s.endsAt.getTime());
    cal.createEvent({
      id: s.uid,
      summary: s.summary,
      description: s.description,
      start: utc ? s.startsAt : localTime(s.startsAt, s.timezone),
      end: utc ? s.endsAt : localTime(s.endsAt, s.timezone),
      timezone: utc ? null : s.timezone,
      stamp: feed.now,
    });
  }
  return cal.toString();
}
