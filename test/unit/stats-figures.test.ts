import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { computeStats, statsWindow, type StatsEvent, type StatsPage } from '../../src/stats/figures';
import { LocalDays, localDayOf } from '../../src/stats/local-days';

const at = (iso: string) => new Date(iso);
const ev = (over: Partial<StatsEvent> & { firedAt: Date }): StatsEvent => ({
  sendGroupId: 1,
  ruleId: 7,
  alertname: 'HighCPU',
  fingerprint: 'aa01',
  ackAt: null,
  resolvedAt: null,
  ...over,
});
const page = (name: string, iso: string, sendGroupId: number | null = 1, userId: number | null = 1): StatsPage => ({ name, at: at(iso), sendGroupId, userId });

describe('the stats window', () => {
  test('the last n local days, today included: from local midnight n-1 days ago until now', () => {
    // 01:30 on 2025-03-14 in Shanghai is still the 13th in UTC.
    const w = statsWindow(at('2025-03-13T17:30:00Z'), 7, 'Asia/Shanghai');
    assert.equal(w.from.toISOString(), '2025-03-07T16:00:00.000Z'); // 2025-03-08 00:00 +08:00
    const f = computeStats(w, [], [], { zoneOf: () => 'Asia/Shanghai' });
    assert.deepEqual(f.daily.map((d) => d.day), ['2025-03-08', '2025-03-09', '2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13', '2025-03-14']);
  });

  test('across a DST change each local day is one bar, however long it is', () => {
    const w = statsWindow(at('2025-03-12T12:00:00Z'), 7, 'America/New_York'); // DST began 2025-03-09
    const f = computeStats(w, [ev({ firedAt: at('2025-03-09T04:59:00Z') }), ev({ firedAt: at('2025-03-10T03:59:00Z') })], [], { zoneOf: () => 'UTC' });
    assert.equal(f.daily.length, 7);
    // 23:59 EST on the 8th, and 23:59 EDT on the 9th (a 23-hour day).
    assert.deepEqual(f.daily.filter((d) => d.alerts).map((d) => d.day), ['2025-03-08', '2025-03-09']);
  });
});

describe('after hours: outside 09:00–18:00 Monday to Friday, and weekends, in the zone given', () => {
  const days = new LocalDays('Asia/Shanghai', Date.parse('2025-03-10T00:00:00Z'), Date.parse('2025-03-17T00:00:00Z'));
  for (const [local, utc, after] of [
    ['Friday 08:59', '2025-03-14T00:59:00Z', true],
    ['Friday 09:00', '2025-03-14T01:00:00Z', false],
    ['Friday 17:59', '2025-03-14T09:59:00Z', false],
    ['Friday 18:00', '2025-03-14T10:00:00Z', true],
    ['Saturday 11:00', '2025-03-15T03:00:00Z', true],
    ['Sunday 23:59', '2025-03-16T15:59:00Z', true],
    ['Monday 00:00', '2025-03-16T16:00:00Z', true],
    ['Monday 10:00', '2025-03-17T02:00:00Z', false],
  ] as const) {
    test(`${local} is ${after ? '' : 'not '}after hours`, () => assert.equal(days.afterHours(Date.parse(utc)), after));
  }

  test('working hours follow the local clock across DST: 09:00 EDT is 13:00 UTC, 09:00 EST 14:00 UTC', () => {
    const ny = new LocalDays('America/New_York', Date.parse('2025-03-06T00:00:00Z'), Date.parse('2025-03-12T00:00:00Z'));
    assert.equal(ny.afterHours(Date.parse('2025-03-07T13:30:00Z')), true); // Friday 08:30 EST
    assert.equal(ny.afterHours(Date.parse('2025-03-07T14:30:00Z')), false);
    assert.equal(ny.afterHours(Date.parse('2025-03-10T13:30:00Z')), false); // Monday 09:30 EDT
    assert.equal(localDayOf('America/New_York', Date.parse('2025-03-10T03:59:00Z')), '2025-03-09');
  });
});

describe('the figures', () => {
  const w = statsWindow(at('2025-03-14T10:00:00Z'), 7, 'UTC'); // Friday
  const events: StatsEvent[] = [
    ev({ firedAt: at('2025-03-10T01:00:00Z'), ackAt: at('2025-03-10T01:02:00Z'), resolvedAt: at('2025-03-10T02:00:00Z') }),
    ev({ firedAt: at('2025-03-11T01:00:00Z'), ackAt: at('2025-03-11T01:06:00Z'), resolvedAt: at('2025-03-11T01:30:00Z') }),
    ev({ firedAt: at('2025-03-12T01:00:00Z'), resolvedAt: at('2025-03-12T01:01:00Z') }),
    ev({ firedAt: at('2025-03-12T05:00:00Z'), fingerprint: 'AA01' }), // the same alert: fingerprints ignore case
    ev({ firedAt: at('2025-03-13T05:00:00Z'), ruleId: 9, alertname: 'DiskFull', fingerprint: 'bb02', ackAt: at('2025-03-13T05:01:00Z') }),
    ev({ firedAt: at('2025-03-13T06:00:00Z'), ruleId: null, alertname: 'Watchdog', fingerprint: 'cc03' }),
    ev({ firedAt: at('2025-03-01T00:00:00Z'), fingerprint: 'old' }), // before the window: not counted
  ];
  const pages: StatsPage[] = [
    page('ada', '2025-03-10T01:00:05Z'), // Monday 01:00 UTC: after hours
    page('ada', '2025-03-11T10:00:00Z'), // Tuesday 10:00: working hours in UTC
    page('bob', '2025-03-11T10:00:00Z', 2, 2), // …but 18:00 in Shanghai, group 2's zone
    page('ou_gone', '2025-03-12T12:00:00Z', 1, null),
  ];
  const f = computeStats(w, events, pages, { zoneOf: (g) => (g === 2 ? 'Asia/Shanghai' : 'UTC') });

  test('alerts, MTTA over acknowledged events, MTTR over resolved ones', () => {
    assert.equal(f.alerts, 6);
    assert.equal(f.acknowledged, 3);
    assert.equal(f.mttaSeconds, (120 + 360 + 60) / 3);
    assert.equal(f.resolved, 3);
    assert.equal(f.mttrSeconds, (3600 + 1800 + 60) / 3);
    assert.deepEqual(f.daily.map((d) => d.alerts), [0, 0, 1, 1, 2, 2, 0]);
  });

  test('pages per person, after hours in the zone of the page’s send group, most after-hours first', () => {
    assert.equal(f.pages, 4);
    assert.equal(f.afterHoursPages, 2);
    assert.deepEqual(f.people.map((p) => [p.name, p.afterHours, p.pages]), [['ada', 1, 2], ['bob', 1, 1], ['ou_gone', 0, 1]]);
  });

  test('noisiest rules by events; alerts from outside promduty under their name; flapping at three episodes', () => {
    assert.deepEqual(f.noisiestRules, [
      { ruleId: 7, name: 'HighCPU', alerts: 4 },
      { ruleId: 9, name: 'DiskFull', alerts: 1 },
      { ruleId: null, name: 'Watchdog', alerts: 1 },
    ]);
    assert.equal(f.flappingAlerts, 1);
    assert.deepEqual(f.flapping, [{ fingerprint: 'aa01', alertname: 'HighCPU', episodes: 4 }]);
  });

  test('no events: zero counts and no means, every day still present', () => {
    const empty = computeStats(w, [], [], { zoneOf: () => 'UTC' });
    assert.equal(empty.alerts, 0);
    assert.equal(empty.mttaSeconds, null);
    assert.equal(empty.mttrSeconds, null);
    assert.equal(empty.daily.length, 7);
  });
});
