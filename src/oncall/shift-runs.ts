/**
 * Shifts as people live them: the runs of consecutive roster days one person holds, from the
 * handoff of the first day to the handoff after the last. A swapped day joins the run of the
 * same person next to it ("on call Mon 10:00 – Thu 10:00"); a day with nobody breaks runs.
 * Calendar events, shift notices and `/oncall next` all use these runs, so they cannot
 * disagree about when a shift begins or ends (DST included: see shifts.ts).
 */
import { addDays, type Day } from './dates';
import { shiftStartsAt, type ShiftClock } from './shifts';

export interface ShiftRun {
  userId: number;
  firstDay: Day;
  lastDay: Day;
  startsAt: Date;
  /** The handoff after lastDay. */
  endsAt: Date;
  /** Some day of the run is someone's swap. */
  swapped: boolean;
}

export interface RunDay {
  day: Day;
  userId: number | null;
  reason: string;
}

/** `days` consecutive and in order (a roster's days); runs in order. */
export function shiftRuns(group: ShiftClock, days: readonly RunDay[]): ShiftRun[] {
  const runs: ShiftRun[] = [];
  let open: { userId: number; firstDay: Day; lastDay: Day; swapped: boolean } | null = null;
  const close = (): void => {
    if (!open) return;
    runs.push({ ...open, startsAt: shiftStartsAt(group, open.firstDay), endsAt: shiftStartsAt(group, addDays(open.lastDay, 1)) });
    open = null;
  };
  for (const d of days) {
    if (open && d.userId === open.userId) {
      open.lastDay = d.day;
      open.swapped ||= d.reason === 'swap';
      continue;
    }
    close();
    if (d.userId !== null) open = { userId: d.userId, firstDay: d.day, lastDay: d.day, swapped: d.reason === 'swap' };
  }
  close();
  return runs;
}

export type NoticeKind = 'before' | 'handoff';

export interface DueNotice {
  kind: NoticeKind;
  run: ShiftRun;
}

/**
 * Which private notices are due at `now`: 'before' once a run's start is at most `leadMs`
 * ahead (never for a run already begun: its handoff notice says it), 'handoff' from the
 * run's start until the end of its first day (a notice a day late is no notice). The caller
 * sends each (group, run.firstDay, person, kind) once. `runs` from shiftRuns over a plan that
 * begins at most a day before today, so a run cut by the plan's start cannot be due.
 */
export function noticesDue(group: ShiftClock, runs: readonly ShiftRun[], now: Date, leadMs: number): DueNotice[] {
  const t = now.getTime();
  const due: DueNotice[] = [];
  for (const run of runs) {
    const start = run.startsAt.getTime();
    if (leadMs > 0 && start > t && start - leadMs <= t) due.push({ kind: 'before', run });
    const firstDayEnds = shiftStartsAt(group, addDays(run.firstDay, 1)).getTime();
    if (start <= t && t < firstDayEnds) due.push({ kind: 'handoff', run });
  }
  return due;
}
