import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { notFound } from '../core/errors';
import { fieldError } from '../i18n';
import { addDays, daysBetween, rosterDayAt, shiftStartsAt, type Day, type RosterDay } from './roster';
import { toEpochDay } from './dates';
import type { OncallNowCache } from './now-cache';
import type { ShiftClock } from './shifts';
import { shiftRuns, type ShiftRun } from './shift-runs';
import { loadGroup, peopleById, planRoster, type OncallGroup, type OncallPerson } from './store';

export const MAX_ROSTER_DAYS = 400;

export interface RosterDayView extends RosterDay {
  userName: string | null;
}

export interface RosterView {
  groupId: number;
  timezone: string;
  /** The group's current roster day. */
  today: Day;
  days: RosterDayView[];
}

/** When the person on call next changes, and to whom. */
export interface NextHandoff {
  at: Date;
  day: Day;
  person: OncallPerson | null;
}

/** A shift (run of days one person holds) with that person's name. */
export interface ShiftView extends ShiftRun {
  person: OncallPerson | null;
}

export interface OncallStatus {
  groupId: number;
  at: Date;
  oncall: OncallPerson | null;
  next: NextHandoff | null;
}

const fromPersonRow = (r: any): OncallPerson => ({ userId: r.id, name: r.name, openId: r.feishu_open_id });

/**
 * Who is on call: the roster of a range (computed) and the answer for one instant (read).
 * `oncallNow` is on every alert's path, so it never recomputes history: a Redis hit answers
 * without the database; a miss reads, in one indexed query, the history row of that roster
 * day or its winning active swap (plus the group's row when its zone is not cached). Only
 * when neither exists (the seconds between a handoff and the job recording it, or a day
 * promduty was down) does it compute that single day.
 */
export class OncallService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly cache: OncallNowCache,
  ) {}

  private today(group: ShiftClock): Day {
    return rosterDayAt(group, this.clock.now());
  }

  async roster(groupId: number, from: Day, to: Day): Promise<RosterView> {
    toEpochDay(from, 'from');
    toEpochDay(to, 'to');
    const span = daysBetween(from, to) + 1;
    if (span < 1) throw fieldError('to', 'oncallErr.toBeforeFrom', { from });
    if (span > MAX_ROSTER_DAYS) throw fieldError('to', 'oncallErr.rangeTooLong', { span, max: MAX_ROSTER_DAYS });
    const group = await loadGroup(this.db, groupId);
    const today = this.today(group);
    const days = await planRoster(this.db, group, from, to, today);
    const people = await peopleById(this.db, days.flatMap((d) => (d.userId === null ? [] : [d.userId])));
    return {
      groupId,
      timezone: group.timezone,
      today,
      days: days.map((d) => ({ ...d, userName: d.userId === null ? null : (people.get(d.userId)?.name ?? null) })),
    };
  }

  /**
   * The group's shifts over a range of roster days (at most MAX_ROSTER_DAYS), from the same
   * roster as `roster`: the runs of days one person holds (shift-runs.ts). A run cut by the
   * range is cut there.
   */
  async shifts(groupId: number, from: Day, to: Day): Promise<{ group: OncallGroup; today: Day; shifts: ShiftView[] }> {
    const view = await this.roster(groupId, from, to);
    const group = await loadGroup(this.db, groupId);
    const people = await peopleById(this.db, view.days.flatMap((d) => (d.userId === null ? [] : [d.userId])));
    const shifts = shiftRuns(group, view.days).map((r) => ({ ...r, person: people.get(r.userId) ?? null }));
    return { group, today: view.today, shifts };
  }

  /** The person on call in the group at `at`, or null when nobody is. */
  async oncallNow(groupId: number, at: Date): Promise<OncallPerson | null> {
    const cached = await this.cache.read(groupId);
    const clock = cached.clock ?? (await this.shiftClock(groupId));
    const day = rosterDayAt(clock, at);
    if (cached.days.has(day)) return cached.days.get(day)!;
    const person = (await this.recordedOn(groupId, day)) ?? (await this.computeDay(groupId, day));
    await this.cache.write(groupId, clock, day, person);
    return person;
  }

  private async shiftClock(groupId: number): Promise<ShiftClock> {
    const row = await this.db('oncall_groups').where({ id: groupId }).first('handoff_time', 'timezone');
    if (!row) throw notFound('on-call group', groupId);
    return { handoffTime: row.handoff_time, timezone: row.timezone };
  }

  /**
   * History wins (past rows are what happened; today's row is kept in step with swaps), else
   * the day's winning active swap. Both lookups ride the (group_id, day) indexes.
   */
  private async recordedOn(groupId: number, day: Day): Promise<OncallPerson | undefined> {
    const [rows] = await this.db.raw(
      `(SELECT 1 AS pri, u.id, u.name, u.feishu_open_id FROM oncall_history h JOIN users u ON u.id = h.user_id
          WHERE h.group_id = ? AND h.day = ?)
       UNION ALL
       (SELECT 2 AS pri, u.id, u.name, u.feishu_open_id FROM oncall_swaps s JOIN users u ON u.id = s.to_user_id
          WHERE s.group_id = ? AND s.day = ? AND s.cancelled_at IS NULL ORDER BY s.id DESC LIMIT 1)
       ORDER BY pri LIMIT 1`,
      [groupId, day, groupId, day],
    );
    return rows[0] ? fromPersonRow(rows[0]) : undefined;
  }

  private async computeDay(groupId: number, day: Day): Promise<OncallPerson | null> {
    const group = await loadGroup(this.db, groupId);
    const [d] = await planRoster(this.db, group, day, day, this.today(group));
    return d?.userId == null ? null : (await peopleById(this.db, [d.userId])).get(d.userId) ?? null;
  }

  /** Who is on call in the group right now and who is next: the /now endpoint and `/oncall`. */
  async current(groupId: number): Promise<OncallStatus> {
    const at = this.clock.now();
    const oncall = await this.oncallNow(groupId, at);
    return { groupId, at, oncall, next: await this.nextHandoff(groupId, at) };
  }

  /**
   * The first handoff after `at` at which someone else takes over (a long shift hands off
   * to the same person daily), or null when nobody else is planned within a shift.
   */
  async nextHandoff(groupId: number, at: Date): Promise<NextHandoff | null> {
    const group = await loadGroup(this.db, groupId);
    const day = rosterDayAt(group, at);
    const current = await this.oncallNow(groupId, at);
    const ahead = await planRoster(this.db, group, addDays(day, 1), addDays(day, group.shiftDays), this.today(group));
    const next = ahead.find((d) => d.userId !== (current?.userId ?? null));
    if (!next) return null;
    const person = next.userId === null ? null : ((await peopleById(this.db, [next.userId])).get(next.userId) ?? null);
    return { at: shiftStartsAt(group, next.day), day: next.day, person };
  }
}
