/**
 * VTIMEZONE components (RFC 5545 §3.6.5) written from the same zone rules that place the
 * shifts (Intl, i.e. Node's ICU time zone data): every offset change of the zone within the
 * feed's window as an observance of its own, with no RRULE. Hand-written because the
 * packaged VTIMEZONE sets (@touch4it/ical-timezones: tzurl.org's Olson 2018g) are years older
 * than the runtime's rules, and a calendar whose zone data disagrees with the roster would
 * move shifts by an hour exactly where DST is concerned.
 */
import { offsetChangesBetween, wallTimeAt, type OffsetChange } from './zone';

type Observance = OffsetChange;

/**
 * Offset changes of `tz` between two instants, oldest first (the first entry: the offset at
 * `fromMs`), from the zone tables wallTimeAt reads (zone.ts): the same rules place the shifts.
 */
export function offsetChanges(tz: string, fromMs: number, toMs: number): Observance[] {
  const offset = wallTimeAt(tz, fromMs) - fromMs;
  return [{ at: fromMs, from: offset, to: offset }, ...offsetChangesBetween(tz, fromMs, toMs)];
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A wall time (UTC-based ms) as iCalendar's local DATE-TIME. */
function localDateTime(wall: number): string {
  const d = new Date(wall);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** ±HHMM (seconds, where a zone had them, are dropped: none has since 1972). */
function utcOffset(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** The VTIMEZONE of `tz` valid from `fromMs` to `toMs` (CRLF lines, as ical-generator embeds it). */
export function vtimezone(tz: string, fromMs: number, toMs: number, changes = offsetChanges(tz, fromMs, toMs)): string {
  const standard = Math.min(...changes.map((c) => c.to));
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tz}`];
  for (const c of changes) {
    const kind = c.to > standard ? 'DAYLIGHT' : 'STANDARD';
    // DTSTART is the onset in the local time in force before it (TZOFFSETFROM).
    lines.push(`BEGIN:${kind}`, `DTSTART:${localDateTime(c.at + c.from)}`, `TZOFFSETFROM:${utcOffset(c.from)}`, `TZOFFSETTO:${utcOffset(c.to)}`, `END:${kind}`);
  }
  lines.push('END:VTIMEZONE');
  return lines.join('\r\n') + '\r\n';
}

/**
 * A test for "the local time `tz` shows at this instant also occurs at another instant" (the
 * hour a fall-back repeats), for instants between `fromMs` and `toMs`. RFC 5545 says such a
 * local time means its first occurrence, but parsers differ (ical.js takes the second), so
 * such times are written in UTC instead. Built from the offset changes once per zone: a few
 * comparisons per instant rather than Intl calls.
 */
export function repeatedLocalTimes(tz: string, fromMs: number, toMs: number, changes = offsetChanges(tz, fromMs, toMs)): (instantMs: number) => boolean {
  const backs = changes.filter((c) => c.to < c.from);
  // Falling back by d at instant a repeats the local times of [a - d, a + d).
  return (t) => backs.some((c) => t >= c.at - (c.from - c.to) && t < c.at + (c.from - c.to));
}
