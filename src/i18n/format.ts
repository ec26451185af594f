/**
 * The one way the bot writes times: `2026-12-05 Sat 09:30` / `2026-12-05 周六 09:30`, always
 * in the zone given (an on-call group's zone, or settings.timezone for times not tied to a
 * group), never the host's. Days and months follow the same order (ISO date first).
 */
import { weekdayIndex, type Day } from '../oncall/dates';
import { wallTimeAt } from '../oncall/zone';
import type { Locale } from './locale';
import { t } from './translate';

const WEEKDAYS = ['weekday.0', 'weekday.1', 'weekday.2', 'weekday.3', 'weekday.4', 'weekday.5', 'weekday.6'] as const;

/** `Sat` / `周六` for a calendar day. */
export const weekdayName = (locale: Locale, day: Day): string => t(locale, WEEKDAYS[weekdayIndex(day)]!);

/** `2026-12-05 Sat` */
export const formatDay = (locale: Locale, day: Day): string => `${day} ${weekdayName(locale, day)}`;

// The zone's wall clock through one cached Intl formatter (src/oncall/zone.ts): dayjs' .tz()
// costs about 0.4 ms a call, and an alert card shows four times.
const wall = (at: Date, zone: string): string => new Date(wallTimeAt(zone, at.getTime())).toISOString();

/** `2026-12-05 Sat 09:30` in `zone`. */
export function formatWhen(locale: Locale, at: Date, zone: string): string {
  const iso = wall(at, zone);
  return `${formatDay(locale, iso.slice(0, 10))} ${iso.slice(11, 16)}`;
}

/** `2026-12` in `zone`: the month a roster page shows. */
export const monthOf = (at: Date, zone: string): string => wall(at, zone).slice(0, 7);
