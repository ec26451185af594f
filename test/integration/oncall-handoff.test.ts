import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue, QueueEvents } from 'bullmq';
import { ManualClock } from '../../src/core/clock';
import { addDays, shiftStartsAt } from '../../src/oncall/roster';
import { ONCALL_HANDOFF } from '../../src/queue/processors/oncall-handoff';
import { FeishuServer } from '../../src/sandbox/feishu-server';
import { REDIS_URL } from '../support/env';
import { PATIENCE_MS } from '../support/processes';
import { startTestApp, type TestApp } from '../support/app';

const CHAT = 'oc_handoff_room';
const FIRST = '2026-03-25'; // ten days across Europe's spring-forward (2026-03-29)
const DAYS = Array.from({ length: 10 }, (_, i) => addDays(FIRST, i));
const DOWN = new Set([4, 5]); // promduty is down on 03-29 and 03-30

describe('handoff job: history, backfill and announcements with time moved forward', () => {
  let feishu: FeishuServer;
  let t: TestApp;
  const clock = new ManualClock('2026-03-24T12:00:00Z');
  const u = {} as Record<'alice' | 'bob' | 'carol', number>;
  let group: { id: number; handoffTime: string; timezone: string };

  const run = () => t.app.services.handoff.run();
  /** 30 s after the day's handoff, as the every-minute job would see it. */
  const atHandoffOf = (i: number) => clock.set(new Date(shiftStartsAt(group, DAYS[i]!).getTime() + 30_000));
  const announcements = () => feishu.messagesFor(CHAT);
  const mentioned = (m: { content: unknown }) => /<at id=(ou_\w+)><\/at>/.exec(JSON.stringify(m.content))?.[1];

  before(async () => {
    feishu = await FeishuServer.start({ appId: 'cli_handoff', appSecret: 'handoff-secret' });
    t = await startTestApp({
      clock,
      // No workers: the test drives every run itself, so no tick of the real schedule interferes.
      role: 'api',
      env: { FEISHU_DOMAIN: feishu.url, FEISHU_APP_ID: 'cli_handoff', FEISHU_APP_SECRET: 'handoff-secret' },
    });
    for (const name of ['alice', 'bob', 'carol'] as const) {
      const r = await t.api('POST', '/api/v1/users', { name, feishuOpenId: `ou_${name}` });
      u[name] = r.body.id;
    }
    const g = await t.api('POST', '/api/v1/oncall-groups', {
      name: 'berlin',
      members: [u.alice, u.bob, u.carol],
      startDate: FIRST,
      handoffTime: '02:30', // a wall time the DST day skips
      timezone: 'Europe/Berlin',
      feishuChatId: CHAT,
    });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    group = g.body;
  });
  after(async () => {
    await t.close();
    await feishu.close();
  });

  test('ten days with two days of downtime: every day recorded once, backfilled, announced once per day run', async () => {
    const { alice, bob, carol } = u;
    // 03-30 (down) is carol's, 04-01 is bob's: both handed over ahead of time.
    for (const [day, to] of [[DAYS[5], alice], [DAYS[7], carol]] as const) {
      assert.equal((await t.api('POST', `/api/v1/oncall-groups/${group.id}/swaps`, { day, toUserId: to })).status, 201);
    }
    assert.deepEqual((await run()).recorded, [], 'nothing before the first day');

    for (let i = 0; i < DAYS.length; i++) {
      if (i === 1) {
        clock.set(new Date(shiftStartsAt(group, DAYS[1]!).getTime() - 60_000));
        assert.deepEqual((await run()).recorded, [], 'a minute before the handoff the old day still runs');
      }
      atHandoffOf(i);
      if (DOWN.has(i)) continue;
      const result = await run();
      const expected = i === 6 ? [DAYS[4], DAYS[5], DAYS[6]] : [DAYS[i]];
      assert.deepEqual(result.recorded, [{ groupId: group.id, days: expected }], `day ${i}`);
      assert.equal(result.announced.length, 1);
      if (i === 2) assert.deepEqual(await run(), { recorded: [], announced: [] }, 'a re-run does nothing');
    }

    const history = (await t.app.db('oncall_history').where('group_id', group.id).orderBy('day')).map((r: any) => [
      r.day.toISOString().slice(0, 10),
      r.user_id,
      r.source,
    ]);
    // The rotation continues from what was recorded; swap days are not anchors, so the
    // rotation after them is unchanged.
    assert.deepEqual(history, [
      [DAYS[0], alice, 'rotation'],
      [DAYS[1], bob, 'rotation'],
      [DAYS[2], carol, 'rotation'],
      [DAYS[3], alice, 'rotation'],
      [DAYS[4], bob, 'backfill'],
      [DAYS[5], alice, 'swap'],
      [DAYS[6], alice, 'rotation'],
      [DAYS[7], carol, 'swap'],
      [DAYS[8], carol, 'rotation'],
      [DAYS[9], alice, 'rotation'],
    ]);

    // The roster of the past equals the recorded history.
    const roster = (await t.api('GET', `/api/v1/oncall-groups/${group.id}/roster?from=${DAYS[0]}&to=${DAYS[8]}`)).body.days;
    assert.deepEqual(
      roster.map((d: any) => [d.day, d.userId, d.reason]),
      history.slice(0, 9).map(([day, userId]) => [day, userId, 'history']),
    );

    // One announcement per day actually run, mentioning that day's person, in order.
    await feishu.waitFor((m) => m.filter((x) => x.chat_id === CHAT).length === 8);
    const ran = DAYS.map((_, i) => i).filter((i) => !DOWN.has(i));
    const open = { [alice]: 'ou_alice', [bob]: 'ou_bob', [carol]: 'ou_carol' };
    assert.deepEqual(announcements().map((m) => m.uuid), ran.map((i) => `handoff-${group.id}-${DAYS[i]}`));
    assert.deepEqual(announcements().map(mentioned), ran.map((i) => open[Number(history[i]![1])]));
    // Day 0 (alice) names bob as next, from the next handoff.
    assert.match(JSON.stringify(announcements()[0]!.content), /Next:\*\* \*\*bob\*\* from 2026-03-26 Thu 02:30/);

    assert.deepEqual(await run(), { recorded: [], announced: [] });
    assert.equal(announcements().length, 8, 'no duplicates when re-run');
  });

  test('a Feishu outage is retried by the next run; a refusal for good is given up', async () => {
    const day10 = addDays(FIRST, 10);
    clock.set(new Date(shiftStartsAt(group, day10).getTime() + 30_000));
    feishu.failNext('send', { status: 500 });
    await assert.rejects(run(), (e: any) => e.code === 'upstream_failed' && e.details.retryable === true);
    const recorded = await t.app.db('oncall_history').where({ group_id: group.id, day: day10 }).first();
    assert.ok(recorded, 'history is recorded even when the announcement fails');
    assert.equal(announcements().length, 8);
    const retry = await run();
    assert.deepEqual(retry.recorded, []);
    assert.equal(retry.announced.length, 1);
    assert.equal(announcements().length, 9);
    assert.equal(announcements()[8]!.uuid, `handoff-${group.id}-${day10}`);

    const day11 = addDays(FIRST, 11);
    clock.set(new Date(shiftStartsAt(group, day11).getTime() + 30_000));
    feishu.failNext('send', { code: 230002 }); // the bot was removed from the chat
    const refused = await run();
    assert.deepEqual(refused.announced, [{ groupId: group.id, day: day11, messageId: null }]);
    assert.deepEqual((await run()).announced, [], 'not retried');
    assert.equal(announcements().length, 9);
  });
});

describe('handoff job wiring', () => {
  test('the worker registers the every-minute scheduler and its processor records history', async () => {
    const clock = new ManualClock('2026-05-04T03:00:00Z'); // 11:00 in Shanghai
    const t = await startTestApp({ clock, role: 'worker' });
    const connection = { url: REDIS_URL };
    const queue = new Queue('oncall', { connection, prefix: t.app.settings.redisPrefix });
    const events = new QueueEvents('oncall', { connection, prefix: t.app.settings.redisPrefix });
    try {
      const scheduler = await queue.getJobScheduler(ONCALL_HANDOFF);
      assert.equal(scheduler?.pattern, '0 * * * * *');
      const [userId] = await t.app.db('users').insert({ name: 'solo' });
      const g = await t.app.services.oncallGroups.create({ name: 'solo', members: [userId], startDate: '2026-05-01' }, { kind: 'api', name: 'test' });
      await events.waitUntilReady();
      const job = await queue.add(ONCALL_HANDOFF, {});
      await job.waitUntilFinished(events, PATIENCE_MS);
      // Recorded by this job or by a scheduled tick that came first: the same processor either way.
      const row = await t.app.db('oncall_history').where({ group_id: g.id }).first();
      assert.deepEqual([row?.day.toISOString().slice(0, 10), row?.user_id, row?.source], ['2026-05-04', userId, 'rotation']);
      assert.equal((await t.app.services.oncall.oncallNow(g.id, clock.now()))?.name, 'solo');
    } finally {
      await events.close();
      await queue.close();
      await t.close();
    }
  });
});
