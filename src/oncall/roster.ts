/**
 * Who is on call on each roster day: a pure function of the group, its history and its
 * active swaps. "today" is the caller's `rosterDayAt(group, clock.now())`.
 *
 * Rules
 * 1. Shifts. Shift k covers the days startDate + k*shiftDays … startDate + (k+1)*shiftDays - 1.
 *    Boundaries always stay aligned to startDate, whoever holds a shift.
 * 2. Past days (< today) with a history row show that row (reason 'history'), whoever it
 *    names, member or not. Swaps do not rewrite the past: history is what happened.
 * 3. Every other day (a past gap, today, the future) follows the rotation continued from the
 *    latest *anchor* before it. Anchors are history rows on or after startDate and before
 *    today whose source is not 'swap': a swap is one day's favour and must not move the
 *    rotation. (Swaps themselves are never consulted here, so adding or cancelling a swap
 *    changes its own day and nothing else.)
 *    With r the latest anchor and k, k_r the shifts of the day and of r:
 *    a. r's user is a member → member index(r) + (k - k_r): r's shift runs to its end, then
 *       the order continues in the CURRENT member order (so a member added right after r is
 *       next).
 *    b. r's user was removed (or never was a member) → s, the member after h, takes the rest
 *       of r's shift, and that counts as s's turn; if r's shift had already ended, s simply
 *       takes the next one. h is the current member who last held a turn before r: the
 *       latest member anchor in r's shift before r, else the holder of the previous shift
 *       (its latest anchor, or whoever these rules planned for it if nothing was recorded
 *       there), skipping shifts of removed people the same way; before shift 0, h is nobody
 *       and s is members[0] (e.g. the whole team was replaced). So, as long as every shift
 *       has at least one recorded day, removing people deletes exactly their turns: nobody
 *       else loses or gains one. No removed person is ever planned.
 *    c. no anchor → the plain rotation: members[k mod n], members[0] starting on startDate.
 *       (A group without history that loses a member is thus re-dealt from startDate.)
 *    These rules are stable: recording each day as it was planned (swap days as 'swap')
 *    never changes the plan of later days, so the roster does not shift as time passes.
 * 4. Days before startDate have nobody (reason 'none') unless history says otherwise; an empty
 *    member list plans nobody. Changing startDate to a later day restarts the rotation there
 *    (rows before startDate are never anchors).
 * 5. Swaps (the caller passes only active ones) override their exact day (unless history
 *    already records that past day), the one with the highest id winning. They apply even
 *    where nobody was planned; `plannedUserId` keeps who it would have been, and fromUserId
 *    is informational (a swap stays valid after the rotation under it changed).
 * Cost: O(days + history log history + swaps); history already sorted by day sorts in O(history).
 */
import { invalidField } from '../core/errors';
import { consecutiveDays, toEpochDay, type Day } from './dates';

export type { Day } from './dates';
export { addDays, daysBetween } from './dates';
export { nextHandoffAt, rosterDayAt, shiftStartsAt } from './shifts';

export interface RosterGroup {
  shiftDays: number;
  startDate: Day;
  handoffTime: string; // 'HH:mm' in `timezone`
  timezone: string; // IANA zone
  members: number[]; // user ids in rotation order
}

export interface HistoryEntry {
  day: Day;
  userId: number;
  /**
   * As stored (oncall_history.source). Pass it: 'swap' rows are never anchors, and a row a
   * swap produced but recorded without 'swap' would be taken for the rotation and move it.
   */
  source?: 'rotation' | 'swap' | 'backfill';
}

export interface SwapEntry {
  id: number;
  day: Day;
  toUserId: number;
  fromUserId?: number | null;
}

export interface RosterDay {
  day: Day;
  userId: number | null;
  plannedUserId: number | null;
  reason: 'history' | 'rotation' | 'swap' | 'none';
  swapId?: number;
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** The winning (highest-id) swap per day. */
function swapsByDay(swaps: SwapEntry[]): Map<number, SwapEntry> {
  const byDay = new Map<number, SwapEntry>();
  swaps.forEach((s, i) => {
    const d = toEpochDay(s.day, `swaps[${i}].day`);
    const current = byDay.get(d);
    if (!current || s.id > current.id) byDay.set(d, s);
  });
  return byDay;
}

/** Past history by day (a later duplicate of a day wins). */
function pastHistory(history: HistoryEntry[], today: number): Map<number, HistoryEntry> {
  const byDay = new Map<number, HistoryEntry>();
  history.forEach((h, i) => {
    const d = toEpochDay(h.day, `history[${i}].day`);
    if (d < today) byDay.set(d, h);
  });
  return byDay;
}

/** What rule 3 needs to know about the group. */
interface Rotation {
  start: number; // epoch day of startDate
  shiftDays: number;
  n: number; // > 0
  position: Map<number, number>; // user id → member index
}

interface Anchor {
  epochDay: number;
  userId: number;
  /** Rule 3b's h: index of the member holding the latest earlier day a member held; -1 if none. */
  memberBefore: number;
}

const shiftOf = (rot: Rotation, epochDay: number): number => Math.floor((epochDay - rot.start) / rot.shiftDays);

/** The member index rule 3 plans for `epochDay` (≥ startDate), after the latest anchor `r` before it. */
function plannedIndex(rot: Rotation, r: Anchor | undefined, epochDay: number): number {
  const k = shiftOf(rot, epochDay);
  if (!r) return mod(k, rot.n);
  const sinceAnchor = k - shiftOf(rot, r.epochDay);
  const pos = rot.position.get(r.userId);
  if (pos !== undefined) return mod(pos + sinceAnchor, rot.n);
  const anchorShiftEnded = (r.epochDay - rot.start + 1) % rot.shiftDays === 0;
  return mod(r.memberBefore + 1 + sinceAnchor - (anchorShiftEnded ? 1 : 0), rot.n);
}

/** Anchors of rule 3 up to `last`, by day, each knowing its h. O(history). */
function anchorsOf(rot: Rotation, recorded: Map<number, HistoryEntry>, last: number): Anchor[] {
  const anchors: Anchor[] = [];
  for (const [epochDay, h] of recorded) {
    if (epochDay >= rot.start && epochDay < last && h.source !== 'swap') {
      anchors.push({ epochDay, userId: h.userId, memberBefore: -1 });
    }
  }
  anchors.sort((a, b) => a.epochDay - b.epochDay);
  let prev: Anchor | undefined;
  for (const a of anchors) {
    // h is decided shift by shift: by the latest anchor before `a` in a's own shift, else by
    // who held (or was planned for) the end of the previous shift. Unrecorded days early in
    // a's shift do not count: a's record says who really held it.
    const k = shiftOf(rot, a.epochDay);
    if (prev && shiftOf(rot, prev.epochDay) === k) a.memberBefore = rot.position.get(prev.userId) ?? prev.memberBefore;
    else if (k > 0) a.memberBefore = plannedIndex(rot, prev, rot.start + k * rot.shiftDays - 1);
    prev = a;
  }
  return anchors;
}

export function computeRoster(
  group: RosterGroup,
  history: HistoryEntry[],
  swaps: SwapEntry[],
  from: Day,
  to: Day,
  today: Day,
): RosterDay[] {
  const { shiftDays, members } = group;
  if (!Number.isInteger(shiftDays) || shiftDays < 1) throw invalidField('shiftDays', 'must be a whole number ≥ 1');
  const first = toEpochDay(from, 'from');
  const last = toEpochDay(to, 'to');
  const position = new Map<number, number>();
  members.forEach((userId, i) => position.set(userId, i));
  const rot: Rotation = { start: toEpochDay(group.startDate, 'startDate'), shiftDays, n: members.length, position };
  const swapOn = swapsByDay(swaps);
  const recorded = pastHistory(history, toEpochDay(today, 'today'));
  const anchors = rot.n > 0 ? anchorsOf(rot, recorded, last) : [];

  const out: RosterDay[] = [];
  const dayNames = consecutiveDays(first, last - first + 1);
  let next = 0;
  let latest: Anchor | undefined;
  for (let d = first; d <= last; d++) {
    for (; next < anchors.length && anchors[next]!.epochDay < d; next++) latest = anchors[next];
    const day = dayNames[d - first]!;
    const past = recorded.get(d);
    if (past) {
      out.push({ day, userId: past.userId, plannedUserId: past.userId, reason: 'history' });
      continue;
    }
    const planned = d < rot.start || rot.n === 0 ? null : members[plannedIndex(rot, latest, d)]!;
    const swap = swapOn.get(d);
    if (swap) out.push({ day, userId: swap.toUserId, plannedUserId: planned, reason: 'swap', swapId: swap.id });
    else out.push({ day, userId: planned, plannedUserId: planned, reason: planned === null ? 'none' : 'rotation' });
  }
  return out;
}
