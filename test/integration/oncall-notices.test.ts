import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { addDays, shiftStartsAt } from '../../src/oncall/roster';
import { FeishuServer, type SandboxMessage } from '../../src/sandbox/feishu-server';
import { startTestApp, type TestApp } from '../support/app';

const CHAT = 'oc_notice_room';
const FIRST = '2026-03-26'; // Europe's spring-forward is 2026-03-29
const HOUR = 3_600_000;
const text = (m: SandboxMessage) => JSON.stringify(m.content);

/**
 * Private shift notices and the handoff card across the DST week, with time moved by hand
 * (no workers: the test runs each job itself, as the every-minute schedule would).
 * Daily shifts at 09:00 Berlin: alice, bob, carol, alice (03-29, the 23-hour day), bob → carol
 * by a swap on 03-30, so carol holds 03-30 and 03-31 as one shift, then alice.
 */
describe('shift notices and handoffs mention the right people, DST week included', () => {
  let feishu: FeishuServer;
  let t: TestApp;
  const clock = new ManualClock('2026-03-25T00:00:00Z');
  const u = {} as Record<'alice' | 'bob' | 'carol', number>;
  let group: { id: number; handoffTime: string; timezone: string };

  const notices = () => feishu.messages().filter((m) => m.uuid?.startsWith('shift-'));
  const handoffs = () => feishu.messagesFor(CHAT).filter((m) => m.uuid?.startsWith('handoff-'));
  const run = async () => {
    const sent = await t.app.services.shiftNotices.run();
    await t.app.services.handoff.run();
    return sent.map((s) => [s.kind, s.day, s.userId]);
  };

  before(async () => {
    feishu = await FeishuServer.start({ appId: 'cli_notices', appSecret: 'notices-secret' });
    t = await startTestApp({ clock, role: 'api', env: { FEISHU_DOMAIN: feishu.url, FEISHU_APP_ID: 'cli_notices', FEISHU_APP_SECRET: 'notices-secret' } });
    for (const name of ['alice', 'bob', 'carol'] as const) u[name] = (await t.api('POST', '/api/v1/users', { name, feishuOpenId: `ou_${name}` })).body.id;
    const g = await t.api('POST', '/api/v1/oncall-groups', {
      name: 'berlin', members: [u.alice, u.bob, u.carol], startDate: FIRST, handoffTime: '09:00', timezone: 'Europe/Berlin', feishuChatId: CHAT,
    });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    assert.equal(g.body.noticeLeadMinutes, 720, 'twelve hours unless set');
    group = g.body;
    assert.equal((await t.api('POST', `/api/v1/oncall-groups/${group.id}/swaps`, { day: '2026-03-30', toUserId: u.carol })).status, 201);
  });
  after(async () => {
    await t?.close();
    await feishu?.close();
  });

  test('each shift: one notice 12 h ahead, one at its start; the handoff card @-mentions incoming and outgoing', { timeout: 60_000 }, async () => {
    const { alice, bob, carol } = u;
    const shifts: Array<[string, number, string]> = [
      ['2026-03-26', alice, '2026-03-26 Thu 09:00** to **2026-03-27 Fri 09:00'],
      ['2026-03-27', bob, '2026-03-27 Fri 09:00** to **2026-03-28 Sat 09:00'],
      ['2026-03-28', carol, '2026-03-28 Sat 09:00** to **2026-03-29 Sun 09:00'],
      ['2026-03-29', alice, '2026-03-29 Sun 09:00** to **2026-03-30 Mon 09:00'],
      ['2026-03-30', carol, '2026-03-30 Mon 09:00** to **2026-04-01 Wed 09:00'],
      ['2026-04-01', alice, '2026-04-01 Wed 09:00** to **2026-04-02 Thu 09:00'],
    ];
    for (const [day, who, period] of shifts) {
      const start = shiftStartsAt(group, day).getTime();
      clock.set(new Date(start - 12 * HOUR - 60_000));
      assert.deepEqual((await run()).filter(([kind]) => kind === 'before'), [], `${day}: not yet 12 h ahead`);
      clock.set(new Date(start - 12 * HOUR + 30_000));
      assert.deepEqual(await run(), [['before', day, who]], `${day}: the notice ahead`);
      assert.deepEqual(await run(), [], 'sent once');
      const ahead = notices().at(-1)!;
      assert.equal(ahead.receive_id, Object.entries(u).find(([, id]) => id === who)![0].replace(/^/, 'ou_'));
      assert.match(text(ahead), new RegExp(`on call in \\*\\*berlin\\*\\* from \\*\\*${period.replace(/\*/g, '\\*')}`));

      clock.set(new Date(start + 30_000));
      const [first, second] = await Promise.all([t.app.services.shiftNotices.run(), t.app.services.shiftNotices.run()]);
      assert.deepEqual([...first, ...second].map((s) => [s.kind, s.day, s.userId]), [['handoff', day, who]], `${day}: two workers, one notice`);
      await t.app.services.handoff.run();
    }
    // 03-31 is carol's second day: no notice, and the daily card says she continues.
    assert.equal(notices().filter((m) => m.uuid!.includes('-2026-03-31-')).length, 0);
    assert.equal(notices().length, shifts.length * 2);

    // The DST day: 09:00 CEST is 07:00 UTC, and its notice came 12 real hours before, at 20:00 CET.
    assert.equal(shiftStartsAt(group, '2026-03-29').toISOString(), '2026-03-29T07:00:00.000Z');
    const dstNotice = await t.app.db('oncall_notices').where({ group_id: group.id, day: '2026-03-29', user_id: alice, kind: 'before' }).first();
    assert.equal(dstNotice.sent_at.toISOString(), '2026-03-28T19:00:30.000Z');

    const open = { [alice]: 'ou_alice', [bob]: 'ou_bob', [carol]: 'ou_carol' };
    const atHandoff = notices().filter((m) => m.uuid!.startsWith('shift-handoff-'));
    assert.match(text(atHandoff[4]!), /has begun.*Handed over by <at id=ou_alice><\/at>.*includes a swapped day/);

    const cards = handoffs().map((m) => [m.uuid!.slice(-10), [...text(m).matchAll(/<at id=(ou_\w+)><\/at>/g)].map((x) => x[1])]);
    assert.deepEqual(cards, [
      ['2026-03-26', [open[alice]]],
      ['2026-03-27', [open[bob], open[alice]]],
      ['2026-03-28', [open[carol], open[bob]]],
      ['2026-03-29', [open[alice], open[carol]]],
      ['2026-03-30', [open[carol], open[alice]]],
      ['2026-03-31', [open[carol]]],
      ['2026-04-01', [open[alice], open[carol]]],
    ]);
    const continues = handoffs().find((m) => m.uuid === `handoff-${group.id}-2026-03-31`)!;
    assert.match(text(continues), /On call now:\*\* <at id=ou_carol><\/at> \(continues\)/);
    assert.doesNotMatch(text(continues), /Handed over by/);
  });

  test('a lead time of 0 sends only the notice at the start; a claim of a worker that died is taken over', { timeout: 60_000 }, async () => {
    assert.equal((await t.api('PATCH', `/api/v1/oncall-groups/${group.id}`, { noticeLeadMinutes: 0 })).status, 200);
    const day = addDays('2026-04-01', 1); // bob
    const start = shiftStartsAt(group, day).getTime();
    clock.set(new Date(start - HOUR));
    assert.deepEqual(await run(), []);
    // A worker claimed the handoff notice and died before sending it.
    await t.app.db('oncall_notices').insert({ group_id: group.id, day, user_id: u.bob, kind: 'handoff', claimed_at: new Date(start) });
    clock.set(new Date(start + 60_000));
    assert.deepEqual(await run(), [], 'a fresh claim belongs to a worker still sending');
    clock.set(new Date(start + 6 * 60_000));
    assert.deepEqual(await run(), [['handoff', day, u.bob]], 'a stale one is taken over');
    assert.equal(notices().filter((m) => m.uuid === `shift-handoff-${group.id}-${day}-${u.bob}`).length, 1);
    const bad = await t.api('PATCH', `/api/v1/oncall-groups/${group.id}`, { noticeLeadMinutes: 20_000 });
    assert.deepEqual([bad.status, bad.body.error.details[0].path], [400, 'noticeLeadMinutes']);
  });
});
