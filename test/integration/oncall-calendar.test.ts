import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { ManualClock } from '../../src/core/clock';
import { addDays, shiftStartsAt } from '../../src/oncall/roster';
import { startTestApp, type TestApp } from '../support/app';

interface Shift { start: string; end: string; summary: string; tzid: string }

/** A local time the clock shows twice (a fall-back hour): the feed writes such events in UTC. */
function repeated(tz: string, ms: number): boolean {
  const f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'short', timeStyle: 'long' });
  const local = (x: number) => f.format(x).replace(/ [A-Z+\-0-9:]+$/, '');
  return [-1, 1].some((k) => local(ms + k * 3_600_000) === local(ms));
}

/** Events of a feed, as a real parser reads them, with the feed's own VTIMEZONEs. */
function parseFeed(ics: string): { name: string; shifts: Shift[]; uids: string[] } {
  const cal = new ICAL.Component(ICAL.parse(ics));
  ICAL.TimezoneService.reset();
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  const events = cal.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
  return {
    name: String(cal.getFirstPropertyValue('x-wr-calname')),
    uids: events.map((e) => e.uid),
    shifts: events.map((e) => ({
      start: e.startDate.toJSDate().toISOString(),
      end: e.endDate.toJSDate().toISOString(),
      summary: e.summary,
      tzid: e.startDate.zone?.tzid ?? '',
    })),
  };
}

/**
 * The iCalendar feeds against the roster API over the same 400 days, in two zones with DST:
 * Berlin with a 02:30 handoff (a time the spring-forward day skips and the fall-back day
 * repeats) and New York with week-long shifts. Swaps (forced and accepted) are in both.
 */
describe('calendar feeds: parsed by ical.js, equal to the roster API for 400 days', () => {
  let t: TestApp;
  const clock = new ManualClock('2026-02-20T12:00:00Z');
  const u = {} as Record<'alice' | 'bob' | 'carol' | 'dan', number>;
  const g = {} as Record<'berlin' | 'nyc', { id: number; name: string; timezone: string; handoffTime: string }>;

  const get = async (url: string) => {
    const res = await fetch(url);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  /** The roster API's days as shifts: runs of one person, from handoff to handoff. */
  const rosterShifts = async (group: (typeof g)['berlin'], userId?: number): Promise<Shift[]> => {
    const today = (await t.api('GET', `/api/v1/oncall-groups/${group.id}/roster?from=2026-02-20&to=2026-02-20`)).body.today;
    const from = addDays(today, -30);
    const r = await t.api('GET', `/api/v1/oncall-groups/${group.id}/roster?from=${from}&to=${addDays(from, 399)}`);
    assert.equal(r.status, 200);
    const out: Shift[] = [];
    const days = r.body.days as Array<{ day: string; userId: number | null; userName: string }>;
    for (let i = 0; i < days.length; ) {
      let j = i;
      while (j + 1 < days.length && days[j + 1]!.userId === days[i]!.userId) j++;
      const d = days[i]!;
      if (d.userId !== null && (userId === undefined || d.userId === userId)) {
        const start = shiftStartsAt(group, d.day);
        const end = shiftStartsAt(group, addDays(days[j]!.day, 1));
        out.push({
          start: start.toISOString(),
          end: end.toISOString(),
          summary: userId === undefined ? `On call: ${d.userName}` : `On call: ${group.name}`,
          tzid: repeated(group.timezone, start.getTime()) || repeated(group.timezone, end.getTime()) ? 'UTC' : group.timezone,
        });
      }
      i = j + 1;
    }
    return out;
  };

  before(async () => {
    t = await startTestApp({ clock, role: 'api' });
    for (const name of ['alice', 'bob', 'carol', 'dan'] as const) u[name] = (await t.api('POST', '/api/v1/users', { name, feishuOpenId: `ou_${name}` })).body.id;
    const make = async (body: object) => {
      const r = await t.api('POST', '/api/v1/oncall-groups', body);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body;
    };
    g.berlin = await make({ name: 'berlin', members: [u.alice, u.bob, u.carol], startDate: '2026-01-01', handoffTime: '02:30', timezone: 'Europe/Berlin' });
    g.nyc = await make({ name: 'nyc', members: [u.dan, u.alice], shiftDays: 7, startDate: '2026-01-05', handoffTime: '09:00', timezone: 'America/New_York' });
    // A forced swap in each group, and an accepted request spanning the US spring-forward.
    for (const [group, day, to] of [[g.berlin, '2026-03-29', u.bob], [g.nyc, '2026-11-01', u.alice]] as const) {
      assert.equal((await t.api('POST', `/api/v1/oncall-groups/${group.id}/swaps`, { day, toUserId: to })).status, 201);
    }
    const ask = await t.api('POST', `/api/v1/oncall-groups/${g.nyc.id}/swap-requests`, { firstDay: '2026-03-06', lastDay: '2026-03-08', toUserId: u.alice, requestedBy: u.dan });
    assert.equal(ask.status, 201, JSON.stringify(ask.body));
    assert.equal((await t.api('POST', `/api/v1/oncall-swap-requests/${ask.body.id}/accept`, { userId: u.alice })).status, 200);
  });
  after(() => t?.close());

  test('group feeds: text/calendar without the admin token, one event per shift, every start and end as the roster says', { timeout: 60_000 }, async () => {
    for (const group of [g.berlin, g.nyc]) {
      const { body } = await t.api('GET', `/api/v1/oncall-groups/${group.id}/calendar`);
      assert.match(body.url, new RegExp(`^http://127\\.0\\.0\\.1:\\d+/calendar/groups/${group.id}/[\\w-]{43}\\.ics$`));
      const res = await get(body.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, t.url));
      assert.equal(res.status, 200);
      assert.equal(res.type, 'text/calendar; charset=utf-8');
      const feed = parseFeed(res.text);
      assert.equal(feed.name, `On call: ${group.name}`);
      const expected = await rosterShifts(group);
      assert.ok(expected.length > 50, `${group.name}: a year of shifts`);
      assert.deepEqual(feed.shifts, expected, `${group.name}: the feed is the roster`);
      assert.equal(new Set(feed.uids).size, feed.uids.length, 'unique UIDs');
      assert.match(res.text, new RegExp(`DTSTART;TZID=${group.timezone}:`), 'local times with their zone');
      assert.match(res.text, /BEGIN:VTIMEZONE/);
    }
    const berlin = parseFeed((await get(`${t.url}${new URL((await t.api('GET', `/api/v1/oncall-groups/${g.berlin.id}/calendar`)).body.url).pathname}`)).text);
    const at = (iso: string) => berlin.shifts.find((s) => s.start === iso);
    // 02:30 does not exist on 2026-03-29: that shift starts at the jump (03:00 CEST = 01:00Z);
    // bob's by the swap, joined with his own next day into one event.
    assert.deepEqual(at('2026-03-29T01:00:00.000Z'), { start: '2026-03-29T01:00:00.000Z', end: '2026-03-31T00:30:00.000Z', summary: 'On call: bob', tzid: 'Europe/Berlin' });
    // 02:30 happens twice on 2026-10-25: the shift starts at the first (CEST, 00:30Z) and lasts
    // 25 hours. ical.js reads a repeated local time as the second (RFC 5545 says the first), so
    // the two shifts touching it are written in UTC.
    const fall = at('2026-10-25T00:30:00.000Z');
    assert.ok(fall, 'the fall-back day starts at the first 02:30');
    assert.equal(fall.tzid, 'UTC');
    assert.equal(berlin.shifts.filter((x) => x.tzid === 'UTC').length, 2);
    assert.equal(Date.parse(fall.end) - Date.parse(fall.start), 25 * 3_600_000);
    const nyc = await rosterShifts(g.nyc);
    // dan's 03-06..03-08 went to alice, whose own week follows: one shift of ten days across the US change.
    assert.ok(nyc.some((s) => s.summary === 'On call: alice' && s.start === '2026-03-06T14:00:00.000Z' && s.end === '2026-03-16T13:00:00.000Z'), 'the accepted request, across the US DST change');
  });

  test('person feeds: every group, only that person; rotating makes the old URL stop; wrong tokens are 404', { timeout: 60_000 }, async () => {
    const { body } = await t.api('GET', `/api/v1/users/${u.alice}/calendar`);
    const path = new URL(body.url).pathname;
    const again = await t.api('GET', `/api/v1/users/${u.alice}/calendar`);
    assert.equal(again.body.url, body.url, 'the same URL when asked again');
    const feed = parseFeed((await get(`${t.url}${path}`)).text);
    const expected = [...(await rosterShifts(g.berlin, u.alice)), ...(await rosterShifts(g.nyc, u.alice))].sort((a, b) => a.start.localeCompare(b.start));
    assert.deepEqual(feed.shifts, expected);
    assert.ok(feed.shifts.some((s) => s.tzid === 'Europe/Berlin') && feed.shifts.some((s) => s.tzid === 'America/New_York'));

    const token = path.split('/').pop()!.replace('.ics', '');
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const bad of [`/calendar/users/${u.alice}/${wrong}.ics`, `/calendar/users/${u.bob}/${token}.ics`, `/calendar/groups/${g.berlin.id}/${token}.ics`, `/calendar/users/${u.alice}/${token}`, `/calendar/users/999/${token}.ics`]) {
      assert.equal((await get(`${t.url}${bad}`)).status, 404, bad);
    }
    const stored = await t.app.db('oncall_calendar_tokens').where({ kind: 'user', subject_id: u.alice }).first();
    assert.equal(stored.token_hash.length, 64);
    assert.ok(!JSON.stringify(stored).includes(token), 'only a hash of the token is stored');

    const rotated = await t.api('POST', `/api/v1/users/${u.alice}/calendar/rotate`);
    assert.notEqual(rotated.body.url, body.url);
    assert.equal((await get(`${t.url}${path}`)).status, 404, 'the old URL stops working');
    assert.equal((await get(`${t.url}${new URL(rotated.body.url).pathname}`)).status, 200);
    assert.equal((await t.api('GET', `/api/v1/users/999/calendar`)).status, 404);
  });
});
