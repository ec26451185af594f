import { DAY_MS, firstInstantAtWall, wallTimeAt } from '../oncall/zone';

const MINUTE_MS = 60_000;

/**
 * When the quiet hours a person is in at `nowMs` end (epoch ms), or null when they are not
 * in quiet hours. `start`/`end` are minutes after local midnight in `timeZone`; a window whose
 * end is before its start runs over midnight (22:00–07:00). The end is a local time, so on a
 * DST day the window is an hour longer or shorter, as the person's clock says; an end that the
 * spring-forward skips is the moment of the jump.
 */
export function quietUntil(q: { start: number; end: number; timeZone: string }, nowMs: number): number | null {
  const wall = wallTimeAt(q.timeZone, nowMs);
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
  const minute = Math.floor((wall - midnight) / MINUTE_MS);
  const overnight = q.end < q.start;
  const inside = overnight ? minute >= q.start || minute < q.end : minute >= q.start && minute < q.end;
  if (!inside) return null;
  const endDay = overnight && minute >= q.start ? midnight + DAY_MS : midnight;
  return Math.max(nowMs, firstInstantAtWall(q.timeZone, endDay + q.end * MINUTE_MS));
}
