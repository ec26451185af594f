import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays,
  computeRoster,
  daysBetween,
  nextHandoffAt,
  rosterDayAt,
  shiftStartsAt,
  type HistoryEntry,
  type RosterGroup,
} from '../../src/oncall/roster';
import { monthGrid } from '../../src/oncall/calendar';
import { isDay } from '../../src/oncall/dates';
import { isAppError } from '../../src/core/errors';

const group = (over: Partial<RosterGroup> = {}): RosterGroup => ({
  shiftDays: 1,
  startDate: '2026-01-01',
  handoffTime: '10:00',
  timezone: 'Europe/Berlin',
  members: [1, 2, 3],
  ...over,
});

/** History rows for consecutive days from `first`, one user id per day. */
const recorded = (first: string, users: number[], source: HistoryEntry['source'] = 'rotation'): HistoryEntry[] =>
  users.map((userId, i) => ({ day: addDays(first, i), userId, source }));

const users = (g: RosterGroup, history: HistoryEntry[], from: string, to: string, today: string): (number | null)[] =>
  computeRoster(g, history, [], from, to, today).map((d) => d.userId);

const repeat = (userId: number, times: number): number[] => Array<number>(times).fill(userId);

const validationError = (e: unknown): boolean => isAppError(e) && e.code === 'validation_failed';

describe('calendar arithmetic', () => {
  test('addDays and daysBetween cross month, year and leap-day edges', () => {
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2028-02-29', 1), '2028-03-01');
    assert.equal(addDays('2027-02-28', 1), '2027-03-01');
    assert.equal(addDays('2025-12-31', 1), '2026-01-01');
    assert.equal(addDays('2026-01-01', -1), '2025-12-31');
    assert.equal(addDays('2100-02-28', 1), '2100-03-01');
    assert.equal(addDays('2000-02-28', 1), '2000-02-29');
    assert.equal(addDays('2000-02-29', 1), '2000-03-01');
    assert.equal(daysBetween('2028-01-01', '2029-01-01'), 366);
    assert.equal(daysBetween('2026-03-10', '2026-03-01'), -9);
  });

  test('refuses what is not a calendar day', () => {
    for (const bad of ['2026-02-29', '1900-02-29', '2100-02-29', '2026-13-01', '2026-1-01', '26-01-01', '2026-01-32', '']) {
      assert.throws(() => addDays(bad, 1), validationError, bad);
      assert.equal(isDay(bad), false, bad);
    }
    assert.ok(isDay('2028-02-29') && isDay('2000-02-29'));
    assert.throws(() => addDays('2026-01-01', 0.5), validationError);
  });
});

describe('computeRoster', () => {
  test('plain rotation: nobody before startDate, then shifts of shiftDays in member order', () => {
    const g = group({ shiftDays: 2 });
    assert.deepEqual(users(g, [], '2025-12-30', '2026-01-08', '2025-06-01'), [null, null, 1, 1, 2, 2, 3, 3, 1, 1]);
    const days = computeRoster(g, [], [], '2025-12-31', '2026-01-01', '2025-06-01');
    assert.deepEqual(days, [
      { day: '2025-12-31', userId: null, plannedUserId: null, reason: 'none' },
      { day: '2026-01-01', userId: 1, plannedUserId: 1, reason: 'rotation' },
    ]);
  });

  test('rotation across a leap day and a year edge', () => {
    assert.deepEqual(users(group({ startDate: '2028-02-27' }), [], '2028-02-27', '2028-03-02', '2028-01-01'), [1, 2, 3, 1, 2]);
    const weekly = group({ shiftDays: 7, startDate: '2025-12-29', members: [10, 20] });
    assert.deepEqual(users(weekly, [], '2025-12-29', '2026-01-12', '2025-12-01'), [...repeat(10, 7), ...repeat(20, 7), 10]);
  });

  test('a shift longer than the range keeps one person throughout', () => {
    const g = group({ shiftDays: 30, startDate: '2026-01-01' });
    assert.deepEqual(users(g, [], '2026-02-01', '2026-02-05', '2026-01-01'), repeat(2, 5));
  });

  test('past days show history; today and later continue from the last recorded person', () => {
    const g = group({ shiftDays: 7, startDate: '2026-01-05' });
    // The group actually began with user 3 (recorded), not members[0].
    const history = recorded('2026-01-05', [3, 3, 3]);
    const got = computeRoster(g, history, [], '2026-01-05', '2026-01-19', '2026-01-08');
    assert.deepEqual(got.map((d) => d.userId), [...repeat(3, 7), ...repeat(1, 7), 2]);
    assert.deepEqual(got.map((d) => d.reason), [...Array<string>(3).fill('history'), ...Array<string>(12).fill('rotation')]);
  });

  test('a past gap follows the rotation continued from the record before it', () => {
    const g = group({ shiftDays: 2 });
    const history = [...recorded('2026-01-01', [2, 2]), { day: '2026-01-06', userId: 1 }];
    // gap on 01-03..01-05 continues from user 2: user 3 takes the next shift.
    assert.deepEqual(users(g, history, '2026-01-01', '2026-01-08', '2026-01-10'), [2, 2, 3, 3, 1, 1, 2, 2]);
  });

  test('a removed member’s remaining days go to the next member, whose turn it then is', () => {
    const g = group({ shiftDays: 7, startDate: '2026-01-05', members: [1, 2, 3, 4] });
    const history = recorded('2026-01-05', [...repeat(1, 7), ...repeat(2, 7), ...repeat(3, 3)]);
    const without3 = { ...g, members: [1, 2, 4] };
    assert.deepEqual(users(without3, history, '2026-01-22', '2026-02-08', '2026-01-22'), [
      ...repeat(4, 4), // the rest of 3's shift
      ...repeat(1, 7),
      ...repeat(2, 7),
    ]);
  });

  test('a member removed after finishing their shift costs the next member nothing', () => {
    const g = group({ shiftDays: 7, startDate: '2026-01-05', members: [1, 2, 4] });
    const history = recorded('2026-01-05', [...repeat(1, 7), ...repeat(2, 7), ...repeat(3, 7)]);
    assert.deepEqual(users(g, history, '2026-01-26', '2026-02-09', '2026-01-26'), [...repeat(4, 7), ...repeat(1, 7), 2]);
  });

  test('who follows a removed member is judged shift by shift, through unrecorded days', () => {
    const g = group({ shiftDays: 2, members: [1, 2, 4] }); // 3 has left
    // 3's shift (01-05..06) was recorded only on its second day: 2 had the shift before.
    const partlyRecorded = [...recorded('2026-01-01', [1, 1, 2, 2]), { day: '2026-01-06', userId: 3 }];
    assert.deepEqual(users(g, partlyRecorded, '2026-01-07', '2026-01-12', '2026-01-07'), [4, 4, 1, 1, 2, 2]);
    // Nothing recorded for the shift before 3's: the rotation planned 2 for it.
    const daily = group({ members: [1, 2, 4] });
    const unrecorded = [{ day: '2026-01-01', userId: 1 }, { day: '2026-01-03', userId: 3 }];
    assert.deepEqual(users(daily, unrecorded, '2026-01-02', '2026-01-06', '2026-01-04'), [2, 3, 4, 1, 2]);
    // 3 took over 2's shift part way (a backfill), then left: the rest goes to 2's successor.
    const weekly = group({ shiftDays: 7, startDate: '2026-01-05', members: [1, 2, 4] });
    const takeover = [...recorded('2026-01-05', [...repeat(1, 7), 2]), { day: '2026-01-14', userId: 3, source: 'backfill' as const }];
    assert.deepEqual(users(weekly, takeover, '2026-01-15', '2026-01-26', '2026-01-15'), [...repeat(4, 4), ...repeat(1, 7), 2]);
  });

  test('a member added after the last recorded person is next', () => {
    const g = group({ shiftDays: 7, startDate: '2026-01-05', members: [1, 2, 5, 3] });
    const history = recorded('2026-01-05', [...repeat(1, 7), 2, 2]);
    assert.deepEqual(users(g, history, '2026-01-14', '2026-02-02', '2026-01-14'), [
      ...repeat(2, 5),
      ...repeat(5, 7),
      ...repeat(3, 7),
      1,
    ]);
  });

  test('a day recorded as a swap does not move the rotation', () => {
    const g = group({ shiftDays: 7, startDate: '2026-01-05' });
    const history = [...recorded('2026-01-05', [1, 1, 1]), { day: '2026-01-08', userId: 2, source: 'swap' as const }];
    assert.deepEqual(users(g, history, '2026-01-09', '2026-01-12', '2026-01-09'), [1, 1, 1, 2]);
  });

  test('swaps: the highest id wins its day, plannedUserId keeps the rotation, history is not rewritten', () => {
    const g = group();
    const swaps = [
      { id: 7, day: '2026-01-03', toUserId: 8, fromUserId: 3 },
      { id: 9, day: '2026-01-03', toUserId: 9, fromUserId: 3 },
      { id: 5, day: '2026-01-01', toUserId: 8 }, // a recorded past day: history wins
      { id: 6, day: '2025-12-31', toUserId: 8 }, // before startDate: the swap still covers it
    ];
    const got = computeRoster(g, recorded('2026-01-01', [1]), swaps, '2025-12-31', '2026-01-04', '2026-01-02');
    assert.deepEqual(got, [
      { day: '2025-12-31', userId: 8, plannedUserId: null, reason: 'swap', swapId: 6 },
      { day: '2026-01-01', userId: 1, plannedUserId: 1, reason: 'history' },
      { day: '2026-01-02', userId: 2, plannedUserId: 2, reason: 'rotation' },
      { day: '2026-01-03', userId: 9, plannedUserId: 3, reason: 'swap', swapId: 9 },
      { day: '2026-01-04', userId: 1, plannedUserId: 1, reason: 'rotation' },
    ]);
  });

  test('no members: nobody, never a crash; an empty range is empty', () => {
    const got = computeRoster(group({ members: [] }), [], [], '2026-01-01', '2026-01-02', '2026-01-01');
    assert.deepEqual(got.map((d) => [d.userId, d.reason]), [[null, 'none'], [null, 'none']]);
    assert.deepEqual(computeRoster(group(), [], [], '2026-01-02', '2026-01-01', '2026-01-01'), []);
  });

  test('bad input is a validation error naming the field', () => {
    assert.throws(() => computeRoster(group({ shiftDays: 0 }), [], [], '2026-01-01', '2026-01-02', '2026-01-01'), /shiftDays/);
    assert.throws(() => computeRoster(group(), [], [], '2026-01-01', '2026-02-30', '2026-01-01'), /^AppError: to:/);
    assert.throws(
      () => computeRoster(group(), [{ day: 'yesterday', userId: 1 }], [], '2026-01-01', '2026-01-02', '2026-01-01'),
      /history\[0\]\.day/,
    );
  });
});

describe('shift boundaries in a time zone', () => {
  const at = (iso: string): Date => new Date(iso);
  const berlin = { handoffTime: '10:00', timezone: 'Europe/Berlin' };
  const newYork = { handoffTime: '09:00', timezone: 'America/New_York' };

  test('before the handoff it is still yesterday’s shift', () => {
    assert.equal(rosterDayAt(berlin, at('2026-01-15T08:59:59.999Z')), '2026-01-14');
    assert.equal(rosterDayAt(berlin, at('2026-01-15T09:00:00.000Z')), '2026-01-15');
    assert.deepEqual(nextHandoffAt(berlin, at('2026-01-15T09:00:00.000Z')), at('2026-01-16T09:00:00.000Z'));
    const shanghai = { handoffTime: '10:00', timezone: 'Asia/Shanghai' };
    assert.equal(rosterDayAt(shanghai, at('2026-03-29T01:59:59Z')), '2026-03-28');
    assert.deepEqual(nextHandoffAt(shanghai, at('2026-03-29T01:59:59Z')), at('2026-03-29T02:00:00Z'));
  });

  test('Europe/Berlin: the spring shift lasts 23 hours, the autumn one 25', () => {
    assert.deepEqual(nextHandoffAt(berlin, at('2026-03-28T09:30:00Z')), at('2026-03-29T08:00:00Z'));
    assert.equal(rosterDayAt(berlin, at('2026-03-29T07:59:59.999Z')), '2026-03-28');
    assert.equal(rosterDayAt(berlin, at('2026-03-29T08:00:00Z')), '2026-03-29');
    assert.deepEqual(nextHandoffAt(berlin, at('2026-10-24T08:00:00Z')), at('2026-10-25T09:00:00Z'));
  });

  test('America/New_York: the spring shift lasts 23 hours, the autumn one 25', () => {
    assert.deepEqual(shiftStartsAt(newYork, '2026-03-07'), at('2026-03-07T14:00:00Z'));
    assert.deepEqual(shiftStartsAt(newYork, '2026-03-08'), at('2026-03-08T13:00:00Z'));
    assert.deepEqual(shiftStartsAt(newYork, '2026-10-31'), at('2026-10-31T13:00:00Z'));
    assert.deepEqual(shiftStartsAt(newYork, '2026-11-01'), at('2026-11-01T14:00:00Z'));
  });

  test('a handoff in the skipped hour happens at the jump; in a repeated hour, the first time', () => {
    const nyNight = { handoffTime: '02:30', timezone: 'America/New_York' };
    assert.deepEqual(shiftStartsAt(nyNight, '2026-03-08'), at('2026-03-08T07:00:00Z'));
    assert.equal(rosterDayAt(nyNight, at('2026-03-08T06:59:59.999Z')), '2026-03-07');
    assert.equal(rosterDayAt(nyNight, at('2026-03-08T07:00:00Z')), '2026-03-08');
    const nyRepeat = { handoffTime: '01:30', timezone: 'America/New_York' };
    assert.deepEqual(shiftStartsAt(nyRepeat, '2026-11-01'), at('2026-11-01T05:30:00Z'));
    const berlinNight = { handoffTime: '02:30', timezone: 'Europe/Berlin' };
    assert.deepEqual(shiftStartsAt(berlinNight, '2026-03-29'), at('2026-03-29T01:00:00Z'));
    assert.deepEqual(shiftStartsAt(berlinNight, '2026-10-25'), at('2026-10-25T00:30:00Z'));
    // 02:15 on the second pass through the repeated hour: today's shift has begun already.
    assert.equal(rosterDayAt(berlinNight, at('2026-10-25T01:15:00Z')), '2026-10-25');
  });

  test('a bad zone or handoff time is a validation error', () => {
    assert.throws(() => rosterDayAt({ handoffTime: '10:00', timezone: 'Mars/Olympus' }, at('2026-01-01T00:00:00Z')), /timezone/);
    assert.throws(() => rosterDayAt({ handoffTime: '24:00', timezone: 'UTC' }, at('2026-01-01T00:00:00Z')), /handoffTime/);
  });
});

describe('monthGrid', () => {
  test('Monday-first weeks padded with the neighbouring months', () => {
    const feb2026 = monthGrid(2026, 2); // 1 Feb 2026 is a Sunday
    assert.equal(feb2026.length, 5);
    assert.deepEqual(feb2026[0], ['2026-01-26', '2026-01-27', '2026-01-28', '2026-01-29', '2026-01-30', '2026-01-31', '2026-02-01']);
    assert.deepEqual(feb2026[4], ['2026-02-23', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01']);
    assert.equal(monthGrid(2021, 2).length, 4); // starts on a Monday, 28 days
    assert.equal(monthGrid(2026, 3).length, 6); // starts on a Sunday, 31 days
    assert.equal(monthGrid(2028, 2).flat().filter((d) => d.startsWith('2028-02')).length, 29);
  });

  test('refuses a month that does not exist', () => {
    assert.throws(() => monthGrid(2026, 13), /month/);
    assert.throws(() => monthGrid(2026.5, 1), /year/);
  });
});
