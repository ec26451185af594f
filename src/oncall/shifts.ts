/**
 * When roster days begin and end. Roster day D runs from D's handoff (D at handoffTime, wall
 * clock of the group's zone) to D+1's handoff, so before today's handoff it is still
 * yesterday's shift. Both functions below derive from the one definition of a handoff
 * instant (`shiftStartsAt`), so they can never disagree, DST days included: a day whose
 * handoff falls in a skipped hour starts at the jump; one whose handoff hour repeats starts
 * at the first of the two; shifts around a change therefore last 23 or 25 hours.
 */
import { invalidField } from '../core/errors';
import { fromEpochDay, toEpochDay, type Day } from './dates';
import { DAY_MS, firstInstantAtWall, wallTimeAt } from './zone';

export interface ShiftClock {
  handoffTime: string; // 'HH:mm'
  timezone: string; // IANA zone
}

const HANDOFF_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

function handoffMs(handoffTime: string): number {
  const m = HANDOFF_RE.exec(handoffTime);
  if (!m) throw invalidField('handoffTime', `'${handoffTime}' is not a time of day (HH:mm)`);
  return (Number(m[1]) * 60 + Number(m[2])) * 60_000;
}

function startMs(group: ShiftClock, epochDay: number): number {
  return firstInstantAtWall(group.timezone, epochDay * DAY_MS + handoffMs(group.handoffTime));
}

/** The instant roster day `day` begins: its handoff. */
export function shiftStartsAt(group: ShiftClock, day: Day): Date {
  return new Date(startMs(group, toEpochDay(day)));
}

function rosterEpochDayAt(group: ShiftClock, atMs: number): number {
  // The answer is the latest day whose handoff is at or before `at`. It is the local date or
  // the one before, except where a clock falls back across midnight (older Brazilian rules),
  // when the next date's handoff can already have passed.
  const local = Math.floor(wallTimeAt(group.timezone, atMs) / DAY_MS);
  if (startMs(group, local + 1) <= atMs) return local + 1;
  return startMs(group, local) <= atMs ? local : local - 1;
}

/** The roster day the instant `at` belongs to. */
export function rosterDayAt(group: ShiftClock, at: Date): Day {
  return fromEpochDay(rosterEpochDayAt(group, at.getTime()));
}

/** The first handoff strictly after `at`: when the current roster day ends. */
export function nextHandoffAt(group: ShiftClock, at: Date): Date {
  return new Date(startMs(group, rosterEpochDayAt(group, at.getTime()) + 1));
}
