/**
 * `npm run bench -- calendar`: iCalendar feeds (issue 16). A 400-day feed of daily shifts is
 * rendered to text (renderIcal alone, the part ical-generator does), and the real app
 * (startTestApp, same wiring as `npm start`) serves 20 feed requests at once, ten groups' and
 * ten people's, each 400 days; the figure is the longest the event loop waited meanwhile
 * (perf_hooks' event-loop delay), since a feed is computed on the loop that serves everything.
 */
import assert from 'node:assert/strict';
import { renderIcal, type IcalShift } from '../src/oncall/render-ical';
import { startTestApp } from '../test/support/app';
import { median, timeRuns, timeWithStall, type Figure } from './stats';

const DAY = 86_400_000;
const GROUPS = 10;
const PEOPLE = 20;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Shanghai', 'UTC'];

/** 400 daily shifts of five people in Berlin (two DST changes), as calendar-feeds.ts makes them. */
function dailyShifts(): IcalShift[] {
  const first = Date.parse('2026-01-01T09:00:00Z');
  return Array.from({ length: 400 }, (_, i) => ({
    uid: `oncall-1-day${i}-${i % 5}@promduty`,
    summary: `On call: person ${i % 5}`,
    description: `On-call group sre-berlin: person ${i % 5} is on call, handing over at 10:00 Europe/Berlin.`,
    startsAt: new Date(first + i * DAY),
    endsAt: new Date(first + (i + 1) * DAY),
    timezone: 'Europe/Berlin',
  }));
}

export async function calendarBench(): Promise<Figure[]> {
  const feed = { name: 'On call: sre-berlin', description: 'On-call shifts of sre-berlin', timezone: 'Europe/Berlin', shifts: dailyShifts(), now: new Date() };
  const render = await timeRuns(() => renderIcal(feed), 15, 5);

  const t = await startTestApp({ role: 'api' });
  try {
    const users: number[] = [];
    for (let i = 0; i < PEOPLE; i++) users.push((await t.api('POST', '/api/v1/users', { name: `person ${i}`, feishuOpenId: `ou_cal_${i}` })).body.id);
    const urls: string[] = [];
    for (let g = 0; g < GROUPS; g++) {
      // Daily shifts: the most events 400 days can hold; each person is in three groups.
      const members = [0, 7, 13].map((k) => users[(g + k) % PEOPLE]!);
      const r = await t.api('POST', '/api/v1/oncall-groups', { name: `g${g}`, members, startDate: '2026-01-01', handoffTime: '10:00', timezone: ZONES[g % ZONES.length] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      urls.push((await t.api('GET', `/api/v1/oncall-groups/${r.body.id}/calendar`)).body.url);
    }
    for (let i = 0; i < GROUPS; i++) urls.push((await t.api('GET', `/api/v1/users/${users[i]}/calendar`)).body.url);
    const local = urls.map((u) => `${t.url}${new URL(u).pathname}`);
    const serveAll = () =>
      Promise.all(
        local.map(async (u) => {
          const res = await fetch(u);
          const text = await res.text();
          assert.equal(res.status, 200, text);
          assert.ok(text.includes('BEGIN:VEVENT'));
        }),
      );
    await serveAll(); // warm: JIT, pools
    const stalls: number[] = [];
    const walls: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { ms, stallMs } = await timeWithStall(serveAll);
      walls.push(ms);
      stalls.push(stallMs);
    }
    return [
      { issue: 16, name: 'calendar: a 400-day feed of daily shifts rendered to iCalendar text', value: median(render), unit: 'ms', goal: { op: '<=', value: 25 } },
      { issue: 16, name: 'calendar: 20 concurrent 400-day feed requests (10 groups, 10 people), all answered', value: median(walls), unit: 'ms' },
      { issue: 16, name: 'calendar: 20 concurrent 400-day feed requests: the longest event-loop stall', value: median(stalls), unit: 'ms', goal: { op: '<=', value: 50 } },
    ];
  } finally {
    await t.close();
  }
}
