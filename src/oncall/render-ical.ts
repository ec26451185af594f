/**
 * An iCalendar feed (RFC 5545) of on-call shifts, built with ical-generator: one VEVENT per
 * shift (a run of days one person holds, see shift-runs.ts), its start and end as local times
 * of the group's zone with TZID, and a VTIMEZONE per zone from the same zone rules the shifts
 * are computed with (vtimezone.ts). Pure: the caller gathers the shifts.
 */
import type { Dayjs } from 'dayjs';
import ical, { ICalCalendarMethod, ICalEvent } from 'ical-generator';
import { foldLines } from './ical-fold';
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

/** The calendar's last line; the VTIMEZONEs and events are written before it. */
const END = 'END:VCALENDAR';

/**
 * The calendar's own properties come from `cal.toString()` (a few lines, folded by
 * ical-generator) and each event from ical-generator's `ICalEvent#toString()`; only the
 * folding of the events and zones is ours (ical-fold.ts). ical-generator 10 has no option to
 * fold faster or not at all, and its fold was ~80 % of a 400-day render, so the whole feed
 * went through it. Chosen over rendering in a worker thread by measurement (bench part
 * `calendar`): with the fold gone a 400-day feed renders in a few ms and 20 concurrent feed
 * requests stall the loop well under the 50 ms goal, with no pool, queue or cache to keep
 * fresh. The calendar properties now precede the components, as RFC 5545's grammar has it.
 */
export function renderIcal(feed: IcalFeed): string {
  const starts = feed.shifts.map((s) => s.startsAt.getTime());
  const ends = feed.shifts.map((s) => s.endsAt.getTime());
  const from = (starts.length ? Math.min(...starts) : feed.now.getTime()) - MARGIN_MS;
  const to = (ends.length ? Math.max(...ends) : feed.now.getTime()) + MARGIN_MS;
  // No calendar-wide zone: ical-generator would then write DTSTAMP as a local time, and RFC
  // 5545 wants it in UTC. Every event names its zone, which gets a VTIMEZONE.
  const cal = ical({
    name: feed.name,
    description: feed.description,
    prodId: { company: 'promduty', product: 'on-call', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    // Calendar apps poll a subscribed feed; this asks for hourly.
    ttl: 3600,
  });
  if (feed.timezone) cal.x('X-WR-TIMEZONE', feed.timezone);
  const head = cal.toString();
  if (!head.endsWith(END)) throw new Error('ical-generator: the calendar does not end with END:VCALENDAR');

  const zones = new Map<string, { changes: ReturnType<typeof offsetChanges>; repeated: (ms: number) => boolean }>();
  const zoneOf = (tz: string) => {
    let z = zones.get(tz);
    if (!z) {
      const changes = offsetChanges(tz, from, to);
      zones.set(tz, (z = { changes, repeated: repeatedLocalTimes(tz, from, to, changes) }));
    }
    return z;
  };
  const localZones = new Set<string>();
  const events: string[] = [];
  for (const s of feed.shifts) {
    // Local times with TZID, except a start or end in an hour a fall-back repeats: that one
    // reads the same twice, and parsers disagree about which is meant (see vtimezone.ts).
    // A group in UTC is written in UTC too (ical-generator takes a zone named UTC for none).
    const zone = zoneOf(s.timezone);
    const utc = s.timezone === 'UTC' || zone.repeated(s.startsAt.getTime()) || zone.repeated(s.endsAt.getTime());
    if (!utc) localZones.add(s.timezone);
    const event = new ICalEvent(
      {
        id: s.uid,
        summary: s.summary,
        description: s.description,
        start: utc ? s.startsAt : localTime(s.startsAt, s.timezone),
        end: utc ? s.endsAt : localTime(s.endsAt, s.timezone),
        timezone: utc ? null : s.timezone,
        stamp: feed.now,
      },
      cal,
    );
    events.push(event.toString());
  }
  const vtimezones = [...localZones].map((tz) => vtimezone(tz, from, to, zoneOf(tz).changes));
  return head.slice(0, -END.length) + foldLines(vtimezones.join('') + events.join('')) + END;
}
