import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addDays,
  computeRoster,
  daysBetween,
  nextHandoffAt,
  rosterDayAt,
  shiftStartsAt,
  type HistoryEntry,
  type RosterDay,
  type RosterGroup,
  type SwapEntry,
} from '../../src/oncall/roster';
import { monthGrid } from '../../src/oncall/calendar';

// Oracles: Date-based calendar math, independent of src/oncall/dates.ts.
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const dayAt = (epochDay: number): string => new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
const epochOf = (day: string): number => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const shifted = (day: string, n: number): string => dayAt(epochOf(day) + n);
const mod = (a: number, n: number): number => ((a % n) + n) % n;

const localFormat = new Map<string, Intl.DateTimeFormat>();
/** 'YYYY-MM-DD HH:mm:ss' on a clock in `zone`. */
function localAt(zone: string, ms: number): string {
  let f = localFormat.get(zone);
  if (!f) {
    const o = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' } as const;
    f = new Intl.DateTimeFormat('sv-SE', { timeZone: zone, hourCycle: 'h23', ...o });
    localFormat.set(zone, f);
  }
  return f.format(ms);
}
const offsetAt = (zone: string, ms: number): number => Date.parse(localAt(zone, ms).replace(' ', 'T') + 'Z') - Math.floor(ms / 1000) * 1000;

const anyDay = fc.integer({ min: epochOf('2019-01-01'), max: epochOf('2033-12-31') }).map(dayAt);
const nearEdge = fc
  .tuple(fc.constantFrom('2028-02-29', '2024-02-29', '2027-12-31', '2026-02-28', '2029-01-01'), fc.integer({ min: -40, max: 40 }))
  .map(([d, n]) => shifted(d, n));
const edgyDay = fc.oneof(anyDay, nearEdge);
const members = (minLength: number): fc.Arbitrary<number[]> =>
  fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength, maxLength: 7 });

interface Scenario {
  group: RosterGroup;
  history: HistoryEntry[];
  swaps: SwapEntry[];
  from: string;
  to: string;
  today: string;
}

/** Any group, messy history (non-members, swaps, duplicates), swaps with shuffled ids. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    from: edgyDay,
    len: fc.integer({ min: 0, max: 400 }),
    startOffset: fc.integer({ min: -200, max: 300 }),
    todayOffset: fc.integer({ min: -100, max: 500 }),
    shiftDays: fc.oneof(fc.integer({ min: 1, max: 14 }), fc.integer({ min: 15, max: 500 })),
    members: members(0),
    history: fc.array(
      fc.record({
        offset: fc.integer({ min: -300, max: 500 }),
        userId: fc.integer({ min: 1, max: 14 }),
        source: fc.constantFrom<HistoryEntry['source']>('rotation', 'swap', 'backfill', undefined),
      }),
      { maxLength: 60 },
    ),
    swaps: fc.array(fc.record({ offset: fc.integer({ min: -50, max: 450 }), toUserId: fc.integer({ min: 1, max: 14 }) }), { maxLength: 12 }),
    swapIds: fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 12, maxLength: 12 }),
  })
  .map((s) => ({
    group: { shiftDays: s.shiftDays, startDate: shifted(s.from, s.startOffset), handoffTime: '10:00', timezone: 'UTC', members: s.members },
    history: s.history.map((h) => ({ day: shifted(s.from, h.offset), userId: h.userId, source: h.source })),
    swaps: s.swaps.map((w, i) => ({ id: s.swapIds[i]!, day: shifted(s.from, w.offset), toUserId: w.toUserId })),
    from: s.from,
    to: shifted(s.from, s.len),
    today: shifted(s.from, s.todayOffset),
  }));

const roster = (s: Scenario): RosterDay[] => computeRoster(s.group, s.history, s.swaps, s.from, s.to, s.today);
const recordedPast = (s: Scenario, day: string): boolean => day < s.today && s.history.some((h) => h.day === day);

describe('roster properties', () => {
  test('addDays and daysBetween agree with Date arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: epochOf('1600-01-01'), max: epochOf('2400-12-31') }), fc.integer({ min: -50_000, max: 50_000 }), (e, n) => {
        assert.equal(addDays(dayAt(e), n), dayAt(e + n));
        assert.equal(daysBetween(dayAt(e), dayAt(e + n)), n);
      }),
    );
  });

  test('every day of any range has exactly one RosterDay, and someone on it from startDate on', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const days = roster(s);
        assert.equal(days.length, Math.max(0, epochOf(s.to) - epochOf(s.from) + 1));
        days.forEach((d, i) => {
          assert.equal(d.day, shifted(s.from, i));
          assert.equal(d.userId === null, d.reason === 'none');
          if (s.group.members.length > 0 && d.day >= s.group.startDate) assert.notEqual(d.userId, null, d.day);
          if (d.reason === 'rotation') assert.ok(s.group.members.includes(d.userId!));
          const winner = s.swaps.filter((w) => w.day === d.day).sort((a, b) => b.id - a.id)[0];
          if (winner && !recordedPast(s, d.day)) assert.deepEqual([d.userId, d.swapId, d.reason], [winner.toUserId, winner.id, 'swap']);
        });
      }),
    );
  });

  test('without history or swaps: members in order, shifts of shiftDays aligned to startDate', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { members: m, shiftDays, startDate } = s.group;
        const days = computeRoster(s.group, [], [], s.from, s.to, s.today);
        for (const d of days) {
          const sinceStart = epochOf(d.day) - epochOf(startDate);
          const expected = sinceStart < 0 || m.length === 0 ? null : m[Math.floor(sinceStart / shiftDays) % m.length];
          assert.equal(d.userId, expected, d.day);
        }
        // The same, seen as runs: inner runs last exactly shiftDays and follow member order.
        if (m.length < 2) return;
        const runs: { userId: number; length: number }[] = [];
        for (const d of days.filter((x) => x.userId !== null)) {
          const last = runs.at(-1);
          if (last?.userId === d.userId) last.length++;
          else runs.push({ userId: d.userId!, length: 1 });
        }
        runs.forEach((r, i) => {
          if (i > 0 && i < runs.length - 1) assert.equal(r.length, shiftDays);
          if (i > 0) assert.equal(r.userId, m[(m.indexOf(runs[i - 1]!.userId) + 1) % m.length]);
        });
      }),
    );
  });

  test('a swap changes exactly its day and nothing else', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.integer({ min: 1, max: 14 }), (s, pick, toUserId) => {
        const before = roster(s);
        if (before.length === 0) return;
        const day = before[pick % before.length]!.day;
        const swap = { id: 1001, day, toUserId };
        const after = computeRoster(s.group, s.history, [...s.swaps, swap], s.from, s.to, s.today);
        after.forEach((d, i) => {
          const was = before[i]!;
          if (d.day !== day || recordedPast(s, day)) assert.deepEqual(d, was);
          else assert.deepEqual(d, { day, userId: toUserId, plannedUserId: was.plannedUserId, reason: 'swap', swapId: 1001 });
        });
      }),
    );
  });

  test('the roster of a past range is the recorded history', () => {
    fc.assert(
      fc.property(scenario, fc.integer({ min: 1, max: 30 }), fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 401, maxLength: 401 }), (s, ahead, who) => {
        const len = epochOf(s.to) - epochOf(s.from);
        const history = who.slice(0, len + 1).map((userId, i) => ({ day: shifted(s.from, i), userId }));
        const days = computeRoster(s.group, history, s.swaps, s.from, s.to, shifted(s.to, ahead));
        assert.deepEqual(days.map((d) => [d.day, d.userId, d.reason]), history.map((h) => [h.day, h.userId, 'history']));
      }),
    );
  });

  test('recording each day as planned never changes the plan of later days', () => {
    const sim = fc.record({
      s: scenario,
      steps: fc.integer({ min: 2, max: 40 }),
      horizon: fc.integer({ min: 1, max: 60 }),
      skip: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
    });
    fc.assert(
      fc.property(sim, ({ s, steps, horizon, skip }) => {
        // Earlier history is whatever the scenario made up (removed people, swaps, gaps).
        const history = s.history.filter((h) => h.day < s.today);
        let previous: RosterDay[] | undefined;
        for (let t = 0; t < steps; t++) {
          const today = shifted(s.today, t);
          const plan = computeRoster(s.group, history, s.swaps, today, shifted(today, horizon), today);
          if (previous) assert.deepEqual(plan.slice(0, horizon), previous.slice(1), `day ${today}`);
          const now = plan[0]!;
          if (!skip[t] && now.userId !== null) {
            history.push({ day: today, userId: now.userId, source: now.reason === 'swap' ? 'swap' : 'rotation' });
          }
          previous = plan;
        }
      }),
      { numRuns: 60 },
    );
  });

  test('after members leave or join: one current member per future day, turns in the new order', () => {
    const change = fc.record({
      s: scenario,
      old: members(1),
      keep: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
      joiners: fc.uniqueArray(fc.integer({ min: 20, max: 25 }), { maxLength: 3 }),
      at: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
    });
    fc.assert(
      fc.property(change, ({ s, old, keep, joiners, at }) => {
        const now: number[] = old.filter((_, i) => keep[i]);
        joiners.forEach((u, i) => now.splice(at[i]! % (now.length + 1), 0, u));
        if (now.length === 0) now.push(old[0]!);
        const removed = old.filter((u) => !now.includes(u));
        // History as the old team lived it, with gaps and the odd stranger.
        const history = s.history.map((h) => ({ ...h, userId: h.userId > 12 ? h.userId : old[h.userId % old.length]! }));
        const group = { ...s.group, members: now };
        const from = s.today > s.group.startDate ? s.today : s.group.startDate;
        const days = computeRoster(group, history, [], from, shifted(from, 200), s.today);
        const shiftOf = (day: string): number => Math.floor((epochOf(day) - epochOf(group.startDate)) / group.shiftDays);
        const first = days[0]!;
        const offset = now.indexOf(first.userId!) - shiftOf(first.day);
        for (const d of days) {
          assert.ok(d.userId !== null && now.includes(d.userId) && !removed.includes(d.userId), `${d.day}: ${d.userId}`);
          assert.equal(d.userId, now[mod(offset + shiftOf(d.day), now.length)], d.day);
        }
      }),
    );
  });

  test('once a current member was recorded, removing members deletes exactly their future turns', () => {
    const removal = fc.record({
      s: scenario,
      old: members(2),
      leave: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
      recordedDays: fc.integer({ min: 1, max: 120 }),
      skip: fc.array(fc.boolean(), { minLength: 120, maxLength: 120 }),
    });
    fc.assert(
      fc.property(removal, ({ s, old, leave, recordedDays, skip }) => {
        const removed = old.filter((_, i) => leave[i]);
        const stay = old.filter((u) => !removed.includes(u));
        fc.pre(removed.length > 0 && stay.length > 0);
        const before = { ...s.group, members: old };
        const after = { ...s.group, members: stay };
        // History as the handoff job recorded it: gaps, but a record in every shift (its last
        // day, and yesterday), since who follows a removed person is known only from records.
        const shiftOf = (day: string): number => Math.floor((epochOf(day) - epochOf(s.group.startDate)) / s.group.shiftDays);
        const lived = computeRoster(before, [], [], shifted(s.today, -recordedDays), shifted(s.today, -1), s.today);
        const history = lived
          .filter((d, i) => d.userId !== null && (!skip[i] || i === lived.length - 1 || shiftOf(d.day) !== shiftOf(shifted(d.day, 1))))
          .map((d) => ({ day: d.day, userId: d.userId! }));
        // …and a window that starts with someone still in the team, or at the very beginning.
        fc.pre(history.length === 0 || stay.includes(history[0]!.userId) || shiftOf(history[0]!.day) === 0);
        const holders = (g: RosterGroup): number[] => {
          const days = computeRoster(g, history, [], s.today, shifted(s.today, 150), s.today).filter((d) => d.userId !== null);
          return days.filter((d, i) => i === 0 || shiftOf(d.day) !== shiftOf(days[i - 1]!.day)).map((d) => d.userId!);
        };
        const expected = holders(before).filter((u) => !removed.includes(u));
        assert.deepEqual(holders(after).slice(0, expected.length), expected);
      }),
      { numRuns: 200 },
    );
  });

  test('monthGrid: Monday-first full weeks holding every day of the month once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1900, max: 2200 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const weeks = monthGrid(year, month);
        const all = weeks.flat();
        for (let i = 1; i < all.length; i++) assert.equal(epochOf(all[i]!), epochOf(all[i - 1]!) + 1);
        assert.equal(new Date(epochOf(all[0]!) * DAY_MS).getUTCDay(), 1);
        const prefix = `${year}-${String(month).padStart(2, '0')}-`;
        const inMonth = all.filter((d) => d.startsWith(prefix));
        assert.equal(inMonth.length, new Date(Date.UTC(year, month, 0)).getUTCDate());
        assert.ok(weeks[0]!.includes(`${prefix}01`) && weeks.at(-1)!.includes(inMonth.at(-1)!));
      }),
    );
  });
});

describe('shift boundaries around DST', () => {
  // The changes of 2015-2035: EU at 01:00Z on the last Sundays of March and October, US at
  // 2:00 local on the second Sunday of March and the first of November.
  const sunday = (y: number, m: number, nth: number): number => {
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    return Date.UTC(y, m - 1, 1 + ((7 - first) % 7) + 7 * (nth - 1));
  };
  const lastSunday = (y: number, m: number): number => {
    const last = new Date(Date.UTC(y, m, 0));
    return last.getTime() - last.getUTCDay() * DAY_MS;
  };
  const years = Array.from({ length: 21 }, (_, i) => 2015 + i);
  const changes: Record<string, number[]> = {
    'Europe/Berlin': years.flatMap((y) => [lastSunday(y, 3) + HOUR_MS, lastSunday(y, 10) + HOUR_MS]),
    'America/New_York': years.flatMap((y) => [sunday(y, 3, 2) + 7 * HOUR_MS, sunday(y, 11, 1) + 6 * HOUR_MS]),
    'Asia/Shanghai': years.map((y) => Date.UTC(y, 5, 1)),
  };
  const handoff = fc.oneof(
    fc.constantFrom('00:00', '01:30', '02:00', '02:30', '03:00', '10:00', '23:59'),
    fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`),
  );
  const zone = fc.constantFrom(...Object.keys(changes));
  const instantIn = (z: string): fc.Arbitrary<number> =>
    fc.oneof(
      fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2035, 11, 31) }),
      fc.tuple(fc.constantFrom(...changes[z]!), fc.integer({ min: -30 * HOUR_MS, max: 30 * HOUR_MS })).map(([c, d]) => c + d),
    );

  const checkBoundaries = (z: string, handoffTime: string, at: number, maxShiftMs: number, minShiftMs: number): void => {
    const g = { timezone: z, handoffTime };
    const day = rosterDayAt(g, new Date(at));
    const start = shiftStartsAt(g, day).getTime();
    const next = nextHandoffAt(g, new Date(at)).getTime();
    assert.ok(start <= at && at < next, `${day}: ${start} <= ${at} < ${next}`);
    assert.equal(next, shiftStartsAt(g, addDays(day, 1)).getTime());
    assert.equal(rosterDayAt(g, new Date(next)), addDays(day, 1));
    assert.equal(rosterDayAt(g, new Date(next - 1)), day);
    // The clock reads the handoff time at the handoff, or has just jumped past it.
    const target = `${addDays(day, 1)} ${handoffTime}:00`;
    assert.ok(target <= localAt(z, next), `${target} > ${localAt(z, next)}`);
    // …and never before it (a repeated hour hands off the first time round).
    for (let back = 0; back <= 36; back++) {
      const earlier = next - Math.max(1, back * 5 * 60_000);
      assert.ok(localAt(z, earlier) < target, `${localAt(z, earlier)} ${back * 5} min before the handoff`);
    }
    assert.ok(next - start >= minShiftMs && next - start <= maxShiftMs, `shift of ${(next - start) / HOUR_MS} h`);
  };

  test('Europe/Berlin, America/New_York, Asia/Shanghai: shifts chain, begin at the handoff and last 23-25 h', () => {
    fc.assert(
      fc.property(
        zone.chain((z) => fc.tuple(fc.constant(z), handoff, instantIn(z))),
        ([z, handoffTime, at]) => checkBoundaries(z, handoffTime, at, 25 * HOUR_MS, 23 * HOUR_MS),
      ),
      { numRuns: 400 },
    );
  });

  test('away from a clock change the roster day is the local date, or the one before until the handoff', () => {
    fc.assert(
      fc.property(
        zone.chain((z) => fc.tuple(fc.constant(z), handoff, instantIn(z))),
        ([z, handoffTime, at]) => {
          fc.pre(offsetAt(z, at - 26 * HOUR_MS) === offsetAt(z, at + 26 * HOUR_MS));
          const [date, time] = localAt(z, at).split(' ') as [string, string];
          const expected = time.slice(0, 5) >= handoffTime ? date : shifted(date, -1);
          assert.equal(rosterDayAt({ timezone: z, handoffTime }, new Date(at)), expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('in zones with odd rules (half-hour DST, skipped days, midnight changes) shifts still chain', () => {
    const odd = ['Australia/Lord_Howe', 'America/Sao_Paulo', 'Pacific/Apia', 'Pacific/Chatham', 'America/St_Johns', 'Asia/Kathmandu'];
    fc.assert(
      fc.property(fc.constantFrom(...odd), handoff, fc.integer({ min: Date.UTC(2005, 0, 1), max: Date.UTC(2035, 11, 31) }), (z, h, at) =>
        checkBoundaries(z, h, at, 48 * HOUR_MS, 0),
      ),
      { numRuns: 300 },
    );
    // Samoa skipped 2011-12-30; Sitka (1867) set its clock back a whole day.
    for (const at of [Date.UTC(2011, 11, 30, 9), Date.UTC(2011, 11, 30, 12), Date.UTC(2011, 11, 29, 22)]) {
      checkBoundaries('Pacific/Apia', '10:00', at, 48 * HOUR_MS, 0);
    }
    assert.equal(rosterDayAt({ timezone: 'America/Sitka', handoffTime: '10:00' }, new Date(Date.UTC(1867, 9, 19, 5))), '1867-10-19');
    checkBoundaries('America/Sitka', '10:00', Date.UTC(1867, 9, 19, 5), 48 * HOUR_MS, 0);
  });
});
