import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { startTestApp, type TestApp } from '../support/app';

// 14:00 in Shanghai: with a 10:00 handoff the current roster day is 2026-03-10.
const NOW = '2026-03-10T06:00:00Z';
const TODAY = '2026-03-10';

describe('on-call groups, roster, swaps and who is on call', () => {
  let t: TestApp;
  const clock = new ManualClock(NOW);
  const u: Record<string, number> = {};
  let groupCount = 0;

  /** A daily rotation of alice, bob, carol from 2026-03-01 (so alice has 03-10). */
  const group = async (over: Record<string, unknown> = {}) => {
    const r = await t.api('POST', '/api/v1/oncall-groups', {
      name: `team-${++groupCount}`,
      members: [u.alice, u.bob, u.carol],
      startDate: '2026-03-01',
      ...over,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: number; name: string; members: number[] };
  };
  const rosterUsers = async (id: number, from: string, to: string) => {
    const r = await t.api('GET', `/api/v1/oncall-groups/${id}/roster?from=${from}&to=${to}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.days as { day: string; userId: number | null; userName: string | null; plannedUserId: number | null; reason: string; swapId?: number }[];
  };
  const swap = (groupId: number, body: unknown) => t.api('POST', `/api/v1/oncall-groups/${groupId}/swaps`, body);
  const history = async (groupId: number) =>
    (await t.app.db('oncall_history').where('group_id', groupId).orderBy('day')).map((r: any) => ({
      day: r.day.toISOString().slice(0, 10),
      userId: r.user_id,
      source: r.source,
    }));

  before(async () => {
    t = await startTestApp({ clock, role: 'api' });
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const r = await t.api('POST', '/api/v1/users', { name, feishuOpenId: `ou_${name}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      u[name] = r.body.id;
    }
  });
  after(() => t.close());

  test('create fills the defaults (time zone from TZ); bad input names the field; names are unique', async () => {
    const g = await group({ name: 'sre' });
    assert.deepEqual(
      { ...g, id: undefined },
      {
        id: undefined,
        name: 'sre',
        members: [u.alice, u.bob, u.carol],
        shiftDays: 1,
        startDate: '2026-03-01',
        handoffTime: '10:00',
        timezone: 'Asia/Shanghai',
        noticeLeadMinutes: 720,
        feishuChatId: null,
      },
    );
    const base = { name: 'bad', startDate: '2026-03-01', members: [u.alice] };
    const cases: [Record<string, unknown>, string][] = [
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ members: [u.alice, u.bob, u.alice] }, 'members[2]'],
      [{ members: [u.alice, 999999] }, 'members[1]'],
      [{ shiftDays: 0 }, 'shiftDays'],
      [{ shiftDays: 1.5 }, 'shiftDays'],
      [{ handoffTime: '24:00' }, 'handoffTime'],
      [{ handoffTime: '9:00' }, 'handoffTime'],
      [{ startDate: '2026-02-29' }, 'startDate'],
      [{ feishuChatId: 'chat-1' }, 'feishuChatId'],
      [{ name: 'has space' }, 'name'],
    ];
    for (const [over, path] of cases) {
      const r = await t.api('POST', '/api/v1/oncall-groups', { ...base, ...over });
      assert.equal(r.status, 400, JSON.stringify(over));
      assert.equal(r.body.error.details[0].path, path, JSON.stringify(r.body.error));
    }
    const dup = await t.api('POST', '/api/v1/oncall-groups', { name: 'sre', startDate: '2026-03-01' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.details.field, 'name');

    const zoned = await t.api('PATCH', `/api/v1/oncall-groups/${g.id}`, { timezone: 'europe/berlin', feishuChatId: 'oc_sre', handoffTime: '09:30' });
    assert.equal(zoned.status, 200, JSON.stringify(zoned.body));
    assert.equal(zoned.body.timezone, 'Europe/Berlin');
    assert.equal(zoned.body.feishuChatId, 'oc_sre');
    const badPatch = await t.api('PATCH', `/api/v1/oncall-groups/${g.id}`, { shiftDays: 0 });
    assert.equal(badPatch.body.error.details[0].path, 'shiftDays');
    // No chat: this file's handoff runs must not depend on how Feishu is set up.
    assert.equal((await t.api('PATCH', `/api/v1/oncall-groups/${g.id}`, { feishuChatId: null })).body.feishuChatId, null);
    assert.ok((await t.api('GET', '/api/v1/oncall-groups')).body.items.some((x: any) => x.id === g.id));
    const audit = await t.app.db('audit_log').where({ entity: 'oncall_group', entity_id: String(g.id) }).orderBy('id').pluck('action');
    assert.deepEqual(audit, ['create', 'update', 'update']);
  });

  test('deleting a group a send group pages is refused, naming the send group', async () => {
    const g = await group();
    const [clusterId] = await t.app.db('alertmanager_clusters').insert({ name: `am-${g.id}` });
    const [sendGroupId] = await t.app.db('send_groups').insert({ name: `pager-${g.id}`, alertmanager_cluster_id: clusterId, oncall_group_id: g.id });
    const refused = await t.api('DELETE', `/api/v1/oncall-groups/${g.id}`);
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, new RegExp(`send group\\(s\\) pager-${g.id}`));
    assert.deepEqual(refused.body.error.details.sendGroups, [{ id: sendGroupId, name: `pager-${g.id}` }]);
    assert.equal((await t.api('GET', `/api/v1/oncall-groups/${g.id}`)).status, 200);
    await t.app.db('send_groups').where({ id: sendGroupId }).delete();
    assert.equal((await t.api('DELETE', `/api/v1/oncall-groups/${g.id}`)).status, 204);
    assert.equal((await t.api('GET', `/api/v1/oncall-groups/${g.id}`)).status, 404);
  });

  test('roster: shifts of shiftDays in member order; the range is checked', async () => {
    const g = await group({ shiftDays: 2 });
    const days = await rosterUsers(g.id, '2026-02-28', '2026-03-08');
    const { alice, bob, carol } = u;
    assert.deepEqual(
      days.map((d) => d.userId),
      [null, alice, alice, bob, bob, carol, carol, alice, alice],
    );
    assert.deepEqual(days.slice(0, 2).map((d) => [d.reason, d.userName]), [['none', null], ['rotation', 'alice']]);
    const bad: [string, string][] = [
      ['from=2026-01-01&to=2027-02-05', 'to'], // 401 days
      ['from=2026-03-08&to=2026-03-07', 'to'],
      ['from=2026-3-1&to=2026-03-07', 'from'],
      ['from=2026-03-01', 'to'],
    ];
    for (const [query, path] of bad) {
      const r = await t.api('GET', `/api/v1/oncall-groups/${g.id}/roster?${query}`);
      assert.equal(r.status, 400, query);
      assert.equal(r.body.error.details[0].path, path, JSON.stringify(r.body.error));
    }
    assert.equal((await rosterUsers(g.id, '2026-01-01', '2027-02-04')).length, 400);
    assert.equal((await t.api('GET', '/api/v1/oncall-groups/999999/roster?from=2026-03-01&to=2026-03-02')).status, 404);
  });

  test('swaps: today or later in the group zone, members only, from = who was on call; cancel restores', async () => {
    const g = await group();
    const { alice, bob, carol, dave } = u;
    const past = await swap(g.id, { day: '2026-03-09', toUserId: bob });
    assert.equal(past.status, 400);
    assert.equal(past.body.error.details[0].path, 'day');
    assert.match(past.body.error.message, /2026-03-09 is in the past in Asia\/Shanghai/);
    assert.equal((await swap(g.id, { day: '2026-03-12', toUserId: dave })).body.error.details[0].path, 'toUserId');
    assert.equal((await swap(g.id, { day: '2026-03-12', toUserId: bob, requestedBy: 999999 })).body.error.details[0].path, 'requestedBy');
    assert.equal((await swap(g.id, { day: '2026-03-12', toUserId: bob, extra: 1 })).status, 400);

    // 03-12 is carol's; alice takes it at bob's request.
    const s = await swap(g.id, { day: '2026-03-12', toUserId: alice, requestedBy: bob });
    assert.equal(s.status, 201, JSON.stringify(s.body));
    assert.deepEqual([s.body.fromUserId, s.body.toUserId, s.body.requestedBy, s.body.cancelledAt], [carol, alice, bob, null]);
    const already = await swap(g.id, { day: '2026-03-12', toUserId: alice });
    assert.equal(already.status, 409);
    assert.equal(already.body.error.details.field, 'toUserId');
    const [d11, d12, d13] = await rosterUsers(g.id, '2026-03-11', '2026-03-13');
    assert.deepEqual([d11!.userId, d13!.userId], [bob, alice]); // only its own day changes
    assert.deepEqual([d12!.userId, d12!.plannedUserId, d12!.reason, d12!.swapId], [alice, carol, 'swap', s.body.id]);

    // Swapping back is another swap: from is whoever the earlier swap put there.
    const back = await swap(g.id, { day: '2026-03-12', toUserId: carol });
    assert.deepEqual([back.body.fromUserId, back.body.toUserId], [alice, carol]);
    assert.equal((await rosterUsers(g.id, '2026-03-12', '2026-03-12'))[0]!.userId, carol);

    const listed = await t.api('GET', `/api/v1/oncall-groups/${g.id}/swaps?from=2026-03-12&to=2026-03-12`);
    assert.deepEqual(listed.body.items.map((x: any) => x.id), [s.body.id, back.body.id]);
    assert.equal((await t.api('DELETE', `/api/v1/oncall-swaps/${back.body.id}`)).status, 204);
    assert.equal((await rosterUsers(g.id, '2026-03-12', '2026-03-12'))[0]!.userId, alice);
    assert.equal((await t.api('DELETE', `/api/v1/oncall-swaps/${back.body.id}`)).status, 409);
    assert.deepEqual((await t.api('GET', `/api/v1/oncall-groups/${g.id}/swaps`)).body.items.map((x: any) => x.id), [s.body.id]);
    const all = (await t.api('GET', `/api/v1/oncall-groups/${g.id}/swaps?includeCancelled=true`)).body.items;
    assert.equal(all.find((x: any) => x.id === back.body.id).cancelledAt, new Date(NOW).toISOString());
    const audit = await t.app.db('audit_log').where({ entity: 'oncall_swap' }).whereIn('entity_id', [String(s.body.id), String(back.body.id)]).pluck('action');
    assert.deepEqual(audit.sort(), ['cancel', 'create', 'create']);
    assert.equal((await t.api('DELETE', '/api/v1/oncall-swaps/999999')).status, 404);
  });

  test('"today" is the roster day: before the handoff time yesterday is still open; past swaps cannot be cancelled', async () => {
    const g = await group();
    try {
      clock.set('2026-03-11T01:59:00Z'); // 09:59 in Shanghai: still the 03-10 shift
      const s = await swap(g.id, { day: TODAY, toUserId: u.bob });
      assert.equal(s.status, 201, JSON.stringify(s.body));
      assert.equal((await swap(g.id, { day: '2026-03-09', toUserId: u.bob })).status, 400);
      clock.set('2026-03-11T02:00:00Z'); // 10:00: the 03-10 shift is over
      const late = await swap(g.id, { day: TODAY, toUserId: u.carol });
      assert.equal(late.status, 400);
      assert.match(late.body.error.message, /current roster day is 2026-03-11/);
      const cancel = await t.api('DELETE', `/api/v1/oncall-swaps/${s.body.id}`);
      assert.equal(cancel.status, 409);
      assert.match(cancel.body.error.message, /past day/);
    } finally {
      clock.set(NOW);
    }
  });

  test('oncallNow matches the roster; it is cached, and a swap or member change today shows at once', async () => {
    const g = await group();
    const { alice, bob, carol } = u;
    const oncall = t.app.services.oncall;
    const now = () => oncall.oncallNow(g.id, clock.now());
    const rosterToday = async () => (await rosterUsers(g.id, TODAY, TODAY))[0]!.userId;

    assert.deepEqual(await now(), { userId: alice, name: 'alice', openId: 'ou_alice' });
    assert.equal(await rosterToday(), alice);
    assert.ok(await t.app.redis.hexists(`oncall:now:${g.id}`, `day:${TODAY}`));
    // A write behind the services' back is not seen until the TTL: the answer came from Redis.
    const [sneaky] = await t.app.db('oncall_swaps').insert({ group_id: g.id, day: TODAY, to_user_id: carol });
    assert.equal((await now())?.userId, alice);
    await t.app.db('oncall_swaps').where({ id: sneaky }).delete();

    const viaApi = await t.api('GET', `/api/v1/oncall-groups/${g.id}/now`);
    assert.equal(viaApi.body.oncall.userId, alice);
    assert.equal(viaApi.body.next.person.userId, bob);
    assert.equal(viaApi.body.next.at, '2026-03-11T02:00:00.000Z');

    // Record today as the handoff job does; oncallNow then reads that row.
    await t.app.services.handoff.run();
    assert.deepEqual(await history(g.id), [{ day: TODAY, userId: alice, source: 'rotation' }]);

    const s = await swap(g.id, { day: TODAY, toUserId: bob });
    assert.equal(s.status, 201);
    assert.equal((await now())?.userId, bob);
    assert.equal(await rosterToday(), bob);
    assert.deepEqual(await history(g.id), [{ day: TODAY, userId: bob, source: 'swap' }]);

    assert.equal((await t.api('DELETE', `/api/v1/oncall-swaps/${s.body.id}`)).status, 204);
    assert.equal((await now())?.userId, alice);
    assert.deepEqual(await history(g.id), [{ day: TODAY, userId: alice, source: 'rotation' }]);

    // alice leaves the rotation mid-shift: today goes to whoever the roster now plans.
    assert.equal((await t.api('PATCH', `/api/v1/oncall-groups/${g.id}`, { members: [bob, carol] })).status, 200);
    const planned = await rosterToday();
    assert.notEqual(planned, alice);
    assert.equal((await now())?.userId, planned);
    assert.deepEqual(await history(g.id), [{ day: TODAY, userId: planned, source: 'rotation' }]);

    assert.equal(await oncall.oncallNow(g.id, new Date('2026-02-27T06:00:00Z')), null); // before startDate
    await assert.rejects(oncall.oncallNow(999999, clock.now()), /on-call group 999999 not found/);
  });

  test('member changes keep past history; removed people stay in it', async () => {
    const g = await group();
    const { alice, bob, carol } = u;
    await t.app.db('oncall_history').insert([
      { group_id: g.id, day: '2026-03-08', user_id: bob, source: 'rotation' },
      { group_id: g.id, day: '2026-03-09', user_id: carol, source: 'rotation' },
    ]);
    assert.equal((await t.api('PATCH', `/api/v1/oncall-groups/${g.id}`, { members: [alice, bob] })).status, 200);
    const days = await rosterUsers(g.id, '2026-03-08', '2026-03-11');
    assert.deepEqual(days.map((d) => [d.userId, d.reason]), [[bob, 'history'], [carol, 'history'], [alice, 'rotation'], [bob, 'rotation']]);
    assert.equal(days[1]!.userName, 'carol');
  });
});
