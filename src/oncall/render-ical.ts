/**
 * An iCalendar feed (RFC 5545) of on-call shifts, built with ical-generator: one VEVENT per
 * shift (a run of days one person holds, see shift-runs.ts), its start and end as local times
 * of the group's zone with TZID, and a VTIMEZONE per zone from the same zone rules the shifts
 * are computed with (vtimezone.ts). Pure: the caller gathers the shifts.
 */
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';
import ical, { ICalCalendarMethod } from 'ical-generator';
import { isRepeatedLocalTime, vtimezone } from './vtimezone';

dayjs.extend(utc);
dayjs.extend(timezone);

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
  cal.timezone({ name: null, generator: (tz) => vtimezone(tz, from, to) });
  if (feed.timezone) cal.x('X-WR-TIMEZONE', feed.timezone);
  for (const s of feed.shifts) {
    // Local times with TZID, except a start or end in an hour a fall-back repeats: that one
    // reads the same twice, and parsers disagree about which is meant (see vtimezone.ts).
    const utc = isRepeatedLocalTime(s.timezone, s.startsAt.getTime()) || isRepeatedLocalTime(s.timezone, s.endsAt.getTime());
    cal.createEvent({
      id: s.uid,
      summary: s.summary,
      description: s.description,
      start: utc ? s.startsAt : dayjs(s.startsAt).tz(s.timezone),
      end: utc ? s.endsAt : dayjs(s.endsAt).tz(s.timezone),
      timezone: utc ? null : s.timezone,
      stamp: feed.now,
    });
  }
  return cal.toString();
}
