import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * Text as people read it, for cards and chat replies alike: clipped strings, times in a zone,
 * durations. Pure; nothing here knows about Feishu's card format (src/cards/card.ts does).
 */

/** Cut to at most `max` characters (code points), marking the cut with an ellipsis. */
export function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

export function formatTime(d: Date, tz: string, format = 'YYYY-MM-DD HH:mm:ss'): string {
  return dayjs(d).tz(tz).format(format);
}

/** `45s`, `5m`, `1h 5m`, `2d 3h`: the largest unit and the next one, enough to judge an age. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const units: Array<[string, number]> = [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  const i = units.findIndex(([, n]) => s >= n);
  if (i < 0) return '0s';
  const [unit, n] = units[i]!;
  const out = `${Math.floor(s / n)}${unit}`;
  const next = units[i + 1];
  const q = next ? Math.floor((s % n) / next[1]) : 0;
  return q && next ? `${out} ${q}${next[0]}` : out;
}
