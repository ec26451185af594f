import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldLines as libraryFold } from 'ical-generator';
import ICAL from 'ical.js';
import { foldLines } from '../../src/oncall/ical-fold';
import { renderIcal } from '../../src/oncall/render-ical';
import { noticesDue, shiftRuns } from '../../src/oncall/shift-runs';
import { shiftStartsAt } from '../../src/oncall/shifts';
import { offsetChanges, repeatedLocalTimes, vtimezone } from '../../src/oncall/vtimezone';

const BERLIN = { handoffTime: '09:00', timezone: 'Europe/Berlin' };
const HOUR = 3_600_000;

describe('shift runs', () => {
  const days = [
    { day: '2026-03-27', userId: 1, reason: 'rotation' },
    { day: '2026-03-28', userId: 2, reason: 'rotation' },
    { day: '2026-03-29', userId: 2, reason: 'swap' },
    { day: '2026-03-30', userId: null, reason: 'none' },
    { day: '2026-03-31', userId: 2, reason: 'rotation' },
  ];

  test('consecutive days of one person are one shift, from handoff to handoff; nobody breaks a run', () => {
    const runs = shiftRuns(BERLIN, days);
    assert.deepEqual(
      runs.map((r) => [r.userId, r.firstDay, r.lastDay, r.startsAt.toISOString(), r.endsAt.toISOString(), r.swapped]),
      [
        [1, '2026-03-27', '2026-03-27', '2026-03-27T08:00:00.000Z', '2026-03-28T08:00:00.000Z', false],
        // Across the spring-forward: 09:00 CET to 09:00 CEST two days later is 47 hours.
        [2, '2026-03-28', '2026-03-29', '2026-03-28T08:00:00.000Z', '2026-03-30T07:00:00.000Z', true],
        [2, '2026-03-31', '2026-03-31', '2026-03-31T07:00:00.000Z', '2026-04-01T07:00:00.000Z', false],
      ],
    );
    assert.deepEqual(shiftRuns(BERLIN, []), []);
  });

  test('notices: "before" once the start is at most the lead ahead, "handoff" during the first day only', () => {
    const runs = shiftRuns(BERLIN, days);
    const start = runs[1]!.startsAt.getTime();
    // Only the second shift's notices (the first shift's handoff notice is due all its first day).
    const due = (at: number, lead = 12 * HOUR) =>
      noticesDue(BERLIN, runs.slice(1), new Date(at), lead).map((n) => [n.kind, n.run.firstDay]);
    assert.deepEqual(due(start - 12 * HOUR - 1), []);
    assert.deepEqual(due(start - 12 * HOUR), [['before', '2026-03-28']]);
    assert.deepEqual(due(start - 1), [['before', '2026-03-28']]);
    assert.deepEqual(due(start - 1, 0), [], 'a lead of 0: no notice ahead');
    assert.deepEqual(due(start), [['handoff', '2026-03-28']]);
    // The second day of the same shift (the 23-hour DST day): nothing new.
    assert.deepEqual(due(shiftStartsAt(BERLIN, '2026-03-29').getTime() + 1), []);
  });
});

describe('VTIMEZONE from the runtime zone rules', () => {
  test('offset changes are found to the second, and written with the local time before them', () => {
    const from = Date.parse('2026-01-01T00:00:00Z');
    const to = Date.parse('2027-01-01T00:00:00Z');
    assert.deepEqual(
      offsetChanges('America/New_York', from, to).map((c) => [new Date(c.at).toISOString(), c.from / HOUR, c.to / HOUR]),
      [
        ['2026-01-01T00:00:00.000Z', -5, -5],
        ['2026-03-08T07:00:00.000Z', -5, -4],
        ['2026-11-01T06:00:00.000Z', -4, -5],
      ],
    );
    const text = vtimezone('America/New_York', from, to);
    assert.match(text, /BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nEND:DAYLIGHT/);
    assert.match(text, /BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nEND:STANDARD/);
    assert.equal(offsetChanges('Asia/Shanghai', from, to).length, 1, 'no DST: one observance');
    assert.doesNotMatch(vtimezone('Asia/Shanghai', from, to), /DAYLIGHT/);
  });

  test('a local time the fall-back repeats is recognised; a skipped or ordinary one is not', () => {
    const year = [Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')] as const;
    const berlin = repeatedLocalTimes('Europe/Berlin', ...year);
    assert.equal(berlin(Date.parse('2026-10-24T23:59:59Z')), false); // 01:59:59 CEST
    assert.equal(berlin(Date.parse('2026-10-25T00:00:00Z')), true); // 02:00 CEST, the first of two
    assert.equal(berlin(Date.parse('2026-10-25T00:30:00Z')), true); // 02:30 CEST
    assert.equal(berlin(Date.parse('2026-10-25T01:30:00Z')), true); // 02:30 CET
    assert.equal(berlin(Date.parse('2026-10-25T02:00:00Z')), false); // 03:00 CET, once
    assert.equal(berlin(Date.parse('2026-03-29T01:00:00Z')), false); // 03:00 CEST, after the jump
    assert.equal(repeatedLocalTimes('Asia/Shanghai', ...year)(Date.parse('2026-10-25T00:30:00Z')), false);
  });
});

describe('the iCalendar text', () => {
  test('ical.js reads back every shift at its instant, in its zone; text is escaped', () => {
    const shifts = [
      { uid: 'a@p', summary: 'On call: Zoë; "ops", team', description: 'line one\nline two', startsAt: new Date('2026-03-29T01:00:00Z'), endsAt: new Date('2026-03-30T00:30:00Z'), timezone: 'Europe/Berlin' },
      { uid: 'b@p', summary: 'On call: b', description: '', startsAt: new Date('2026-10-25T00:30:00Z'), endsAt: new Date('2026-10-26T01:30:00Z'), timezone: 'Europe/Berlin' },
      { uid: 'c@p', summary: 'On call: c', description: '', startsAt: new Date('2026-03-08T14:00:00Z'), endsAt: new Date('2026-03-09T13:00:00Z'), timezone: 'America/New_York' },
    ];
    const ics = renderIcal({ name: 'sre', description: 'x', timezone: 'Europe/Berlin', shifts, now: new Date('2026-03-01T00:00:00Z') });
    assert.match(ics, /DTSTAMP:20260301T000000Z/);
    assert.match(ics, /DTSTART;TZID=Europe\/Berlin:20260329T030000/, 'the skipped 02:30 is the jump, 03:00');
    assert.match(ics, /DTSTART:20261025T003000Z/, 'the repeated 02:30 in UTC');
    const cal = new ICAL.Component(ICAL.parse(ics));
    ICAL.TimezoneService.reset();
    for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
    assert.deepEqual(cal.getAllSubcomponents('vtimezone').map((v) => v.getFirstPropertyValue('tzid')), ['Europe/Berlin', 'America/New_York']);
    const events = cal.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    assert.deepEqual(
      events.map((e) => [e.uid, e.startDate.toJSDate().toISOString(), e.endDate.toJSDate().toISOString()]),
      shifts.map((s) => [s.uid, s.startsAt.toISOString(), s.endsAt.toISOString()]),
    );
    assert.equal(events[0]!.summary, 'On call: Zoë; "ops", team');
    assert.equal(events[0]!.description, 'line one\nline two');
  });

  test('a group in UTC: its events in UTC, no VTIMEZONE (ical-generator takes "UTC" for no zone)', () => {
    const shifts = [0, 1].map((i) => ({ uid: `u${i}@p`, summary: `On call: ${i}`, description: '', startsAt: new Date(Date.UTC(2026, 0, 1 + i, 10)), endsAt: new Date(Date.UTC(2026, 0, 2 + i, 10)), timezone: 'UTC' }));
    const ics = renderIcal({ name: 'utc', description: 'x', timezone: 'UTC', shifts, now: new Date('2026-01-01T00:00:00Z') });
    assert.doesNotMatch(ics, /BEGIN:VTIMEZONE/);
    const cal = new ICAL.Component(ICAL.parse(ics));
    const events = cal.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    assert.deepEqual(events.map((e) => e.startDate.toJSDate().toISOString()), ['2026-01-01T10:00:00.000Z', '2026-01-02T10:00:00.000Z']);
    assert.equal(cal.getFirstPropertyValue('x-wr-timezone'), 'UTC');
  });

  test('lines fold at 75 octets (UTF-8), and ical.js reads a long Chinese summary back whole', () => {
    const summary = `值班：${'张伟（运维）'.repeat(12)} 😀 end`;
    const shifts = [{ uid: 'x@p', summary, description: 'd'.repeat(300), startsAt: new Date('2026-05-01T02:00:00Z'), endsAt: new Date('2026-05-02T02:00:00Z'), timezone: 'Asia/Shanghai' }];
    const ics = renderIcal({ name: '排班', description: 'x', timezone: 'Asia/Shanghai', shifts, now: new Date('2026-05-01T00:00:00Z') });
    for (const line of ics.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `${Buffer.byteLength(line)} octets: ${line}`);
    assert.ok(ics.includes('\r\n '), 'long lines are folded');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!);
    assert.equal(event.summary, summary);
    assert.equal(event.description, 'd'.repeat(300));
  });
});

describe('folding', () => {
  test("ical-fold.ts folds exactly as ical-generator's foldLines, any text (surrogates, lone ones too)", () => {
    const unit = fc.constantFrom('a', ' ', ';', 'é', '中', '😀', '\ud83d', '\ude00');
    const lines = fc.array(fc.string({ unit, minLength: 20, maxLength: 200, size: 'max' }), { maxLength: 4 });
    fc.assert(fc.property(lines, (ls) => foldLines(ls.join('\r\n')) === libraryFold(ls.join('\r\n'))), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', minLength: 20, maxLength: 300, size: 'max' }), (t) => foldLines(t) === libraryFold(t)), { numRuns: 2000 });
  });
});
