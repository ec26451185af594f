import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { wallTimeAt } from '../../src/oncall/zone';

/** What Intl says a clock in `tz` reads at `ms` (the oracle; zone.ts asks it once per zone-year). */
function intlWallTime(tz: string, ms: number): number {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const p = Object.fromEntries(f.formatToParts(ms).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second) + (((ms % 1000) + 1000) % 1000);
}

// DST both ways, half and quarter hours, negative DST (Dublin), a skipped day (Apia 2011),
// a two-hour DST (Troll), a zone that dropped DST (Sao Paulo 2019), and a year edge.
const ZONES = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Europe/Dublin', 'Pacific/Apia', 'Antarctica/Troll', 'America/Sao_Paulo', 'Asia/Shanghai', 'UTC'];

test('wallTimeAt from its per-year offset tables equals Intl at any instant, to the millisecond', { timeout: 60_000 }, () => {
  const instant = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) });
  fc.assert(fc.property(fc.constantFrom(...ZONES), instant, (tz, ms) => wallTimeAt(tz, ms) === intlWallTime(tz, ms)), { numRuns: 3000 });
  // Either side of each change, to the millisecond: every offset change of 2026 and 2011.
  for (const tz of ZONES) {
    for (const year of [2011, 2026]) {
      for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 3_600_000) {
        if (intlWallTime(tz, t) - t === intlWallTime(tz, t + 3_600_000) - (t + 3_600_000)) continue;
        let lo = t;
        let hi = t + 3_600_000;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (intlWallTime(tz, mid) - mid === intlWallTime(tz, t) - t) lo = mid;
          else hi = mid;
        }
        for (const ms of [lo - 1, lo, hi, hi + 1]) assert.equal(wallTimeAt(tz, ms), intlWallTime(tz, ms), `${tz} at ${new Date(ms).toISOString()}`);
      }
    }
  }
  for (const ms of [Date.UTC(2026, 0, 1) - 1, Date.UTC(2026, 0, 1), Date.UTC(1969, 11, 31, 23, 59, 59, 999)]) {
    for (const tz of ZONES) assert.equal(wallTimeAt(tz, ms), intlWallTime(tz, ms), `${tz} at ${ms}`);
  }
});
