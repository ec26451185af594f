import dayjs from 'dayjs';
import timezonePlugin from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { parseDuration } from '../core/names';
import { MAX_SILENCE_MS } from './actions';

dayjs.extend(utc);
dayjs.extend(timezonePlugin);

/**
 * A silence's length as people type it: a duration (`90m`, `4h`, `2d`) or a local time to
 * last until (`until 09:00`: the next 09:00 in `timezone`). Null when it is neither, or not
 * more than 0 and at most 30 days.
 */
export function parseSilenceLength(input: string, now: Date, timezone: string): number | null {
  const s = input.trim().toLowerCase();
  const until = /^until\s+([01]?\d|2[0-3]):([0-5]\d)$/.exec(s);
  let ms: number | null;
  if (until) {
    const local = dayjs(now).tz(timezone);
    let end = local.hour(Number(until[1])).minute(Number(until[2])).second(0).millisecond(0);
    if (!end.isAfter(local)) end = end.add(1, 'day');
    ms = end.valueOf() - now.getTime();
  } else {
    ms = parseDuration(s);
  }
  return ms && ms > 0 && ms <= MAX_SILENCE_MS ? ms : null;
}
