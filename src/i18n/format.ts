/**
 * The one way the bot writes times: `2026-12-05 Sat 09:30` / `2026-12-05 周六 09:30`, always
 * in the zone given (an on-call group's zone, or settings.timezone for times not tied to a
 * group), never the host's. Days and months follow the same order (ISO date first).
 */
import { formatTime } from '../core/text';
import { weekdayIndex, type Day } from '../oncall/dates';
import type { Locale } from './locale';
import { t } from './translate';

const WEEKDAYS = ['weekday.0', 'weekday.1', 'weekday.2', 'weekday.3', 'weekday.4', 'weekday.5', 'weekday.6'] as const;

/** `Sat` / `周六` for a calendar day. */
export const weekdayName = (locale: Locale, day: Day): string => t(locale, WEEKDAYS[weekdayIndex(day)]!);

/** `2026-12-05 Sat` */
export const formatDay = (locale: Locale, day: Day): string => `${day} ${weekdayName(locale, day)}`;

/** `2026-12-05 Sat 09:30` in `zone`. */
export function formatWhen(locale: Locale, at: Date, zone: string): string {
  const [day, time] = formatTime(at, zone, 'YYYY-MM-DD HH:mm').split(' ') as [Day, string];
  return `${formatDay(locale, day)} ${time}`;
}

/** `2026-12` in `zone`: the month a roster page shows. */
export const monthOf = (at: Date, zone: string): string => formatTime(at, zone, 'YYYY-MM');
