import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chunkEvenly, digestLineBytes, digestUuid, planDelivery, plannedCount, type PlanEvent, type PlanInput } from '../../src/events/delivery-plan';
import { digestCard } from '../../src/cards/digest-card';
import { CARD_MAX_BYTES, cardBytes } from '../../src/cards/card';
import { digestMessageId, pendingMessageId, type OutboxRow } from '../../src/events/outbox-keys';

const firing = (id: number, over: Partial<PlanEvent> = {}): PlanEvent => ({ id, status: 'firing', repeatCount: 0, ...over });
/** An alert of group `g` whose lead event is `lead`. */
const inGroup = (id: number, g: number, lead: number, over: Partial<PlanEvent> = {}): PlanEvent => firing(id, { groupId: g, leadId: lead, groupEscalates: true, ...over });

const input = (events: PlanEvent[], over: Partial<PlanInput> = {}): PlanInput => ({
  sendGroupId: 3,
  events,
  rows: [],
  recipients: { group: 'oc_ops', private: ['ou_alice'], webhook: null },
  sendResolved: true,
  backlog: new Map(),
  threshold: 5,
  recentRound: false,
  digestSize: 40,
  ...over,
});

const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => from + i);

describe('delivery plan', () => {
  test('a few new groupless events: one card each to the chat and the person on call', () => {
    const plan = planDelivery(input([firing(1), firing(2)]));
    assert.deepEqual(
      plan.messages.map((m) => [m.channel, m.receiveId, m.eventIds, m.digest]),
      [
        ['group', 'oc_ops', [1], false],
        ['group', 'oc_ops', [2], false],
        ['private', 'ou_alice', [1], false],
        ['private', 'ou_alice', [2], false],
      ],
    );
    assert.deepEqual(plan.escalateGroups, []);
    assert.equal(plan.rows.length, 4);
    assert.ok(plan.messages.every((m) => m.uuid.length <= 50));
    assert.equal(new Set(plan.messages.map((m) => m.uuid)).size, 4, 'every message its own uuid');
  });

  test('a storm folds into digests per recipient; every event is on exactly one digest per recipient', () => {
    const plan = planDelivery(input(range(60).map((id) => firing(id))));
    const group = plan.messages.filter((m) => m.channel === 'group');
    assert.equal(group.length, 2);
    assert.ok(group.every((m) => m.digest && m.eventIds.length === 30));
    assert.deepEqual(group.flatMap((m) => m.eventIds), range(60));
    assert.equal(plan.messages.filter((m) => m.channel === 'private').length, 2);
  });

  test('the backlog counts: with messages still pending for the chat, even two new events fold', () => {
    const backlog = new Map([['oc_ops', 4]]);
    const plan = planDelivery(input([firing(1), firing(2)], { backlog }));
    assert.deepEqual(plan.messages.filter((m) => m.channel === 'group').map((m) => [m.eventIds, m.digest]), [[[1, 2], true]]);
    assert.ok(plan.messages.filter((m) => m.channel === 'private').every((m) => !m.digest), 'the private chat has no backlog');
    const single = planDelivery(input([firing(3)], { backlog }));
    assert.equal(single.messages.find((m) => m.channel === 'group')?.digest, false, 'a single event is never a digest');
  });

  test('a steady stream: within a second of the last round, even two new events fold', () => {
    const plan = planDelivery(input([firing(1), firing(2)], { recentRound: true }));
    assert.ok(plan.messages.every((m) => m.digest && m.eventIds.length === 2));
    const one = planDelivery(input([firing(3)], { recentRound: true }));
    assert.ok(one.messages.every((m) => !m.digest), 'one event is always its own card');
  });

  test('resolved after a single card: card refreshed, a reply; after a digest: refreshed, no reply', () => {
    const rows: OutboxRow[] = [
      { eventId: 1, channel: 'group', receiveId: 'oc_ops', messageId: 'om_1' },
      { eventId: 2, channel: 'group', receiveId: 'oc_ops', messageId: digestMessageId('om_d') },
    ];
    const plan = planDelivery(input([firing(1, { status: 'resolved' }), firing(2, { status: 'resolved' })], { rows }));
    assert.deepEqual(plan.messages, []);
    assert.deepEqual(plan.refresh, [1, 2]);
    assert.deepEqual(plan.replies.map((r) => [r.eventIds, r.summary]), [[[1], false]]);
    assert.deepEqual(plan.escalateGroups, []);
  });

  test('many resolve at once: one summary instead of a reply each', () => {
    const rows = range(8).map((id): OutboxRow => ({ eventId: id, channel: 'group', receiveId: 'oc_ops', messageId: `om_${id}` }));
    const plan = planDelivery(input(range(8).map((id) => firing(id, { status: 'resolved' })), { rows }));
    assert.deepEqual(plan.replies.map((r) => [r.eventIds.length, r.summary]), [[8, true]]);
  });

  test('send_resolved off: resolved cards are updated but nothing new is said', () => {
    const rows: OutboxRow[] = [{ eventId: 1, channel: 'group', receiveId: 'oc_ops', messageId: 'om_1' }];
    const plan = planDelivery(input([firing(1, { status: 'resolved' }), firing(2, { status: 'resolved' })], { rows, sendResolved: false }));
    assert.deepEqual([plan.messages, plan.replies, plan.refresh], [[], [], [1]]);
  });

  test('an event with a card is updated in place, not posted again; the custom bot gets no second post', () => {
    const webhook = 'hook:abc';
    const rows: OutboxRow[] = [
      { eventId: 1, channel: 'group', receiveId: 'oc_ops', messageId: 'om_1' },
      { eventId: 1, channel: 'webhook', receiveId: webhook, messageId: 'sent:1' },
    ];
    const again = planDelivery(input([firing(1, { repeatCount: 3 })], { rows, recipients: { group: 'oc_ops', private: [], webhook } }));
    assert.deepEqual([again.messages, again.refresh], [[], [1]]);
    const first = planDelivery(input([firing(1)], { recipients: { group: 'oc_ops', private: [], webhook } }));
    assert.deepEqual(first.messages.map((m) => m.channel), ['group', 'webhook']);
    assert.equal(first.rows[0]?.messageId, pendingMessageId(3, first.messages[0]!.uuid));
  });

  test('a closed group or a resolved groupless event: the custom bot (no updates) gets a second, resolved post', () => {
    const webhook = 'hook:abc';
    const recipients = { group: 'oc_ops', private: [], webhook };
    const rows: OutboxRow[] = [
      { eventId: 1, channel: 'group', receiveId: 'oc_ops', messageId: 'om_1' },
      { eventId: 1, channel: 'webhook', receiveId: webhook, messageId: 'sent:1' },
    ];
    const group = planDelivery(input([inGroup(2, 9, 1, { status: 'resolved', groupClosed: true })], { rows, recipients }));
    assert.deepEqual(group.messages.map((m) => [m.channel, m.eventIds, m.uuid.startsWith('gp9-wr-')]), [['webhook', [1], true]]);
    assert.deepEqual([group.refresh, group.replies.map((r) => r.groupId)], [[1], [9]]);
    const open = planDelivery(input([inGroup(2, 9, 1, { status: 'resolved' })], { rows, recipients }));
    assert.deepEqual(open.messages, [], 'still firing: nothing new for the custom bot');
    const single = planDelivery(input([firing(1, { status: 'resolved' })], { rows, recipients }));
    assert.deepEqual(single.messages.map((m) => m.channel), ['webhook']);
    const quiet = planDelivery(input([inGroup(2, 9, 1, { status: 'resolved', groupClosed: true })], { rows, recipients, sendResolved: false }));
    assert.deepEqual(quiet.messages, []);
  });

  test('200 alerts of one group: one card per recipient, on the lead event, and its escalation starts', () => {
    const plan = planDelivery(input(range(200).map((id) => inGroup(id, 9, 1))));
    assert.deepEqual(
      plan.messages.map((m) => [m.channel, m.eventIds, m.digest]),
      [
        ['group', [1], false],
        ['private', [1], false],
      ],
    );
    assert.ok(plan.messages.every((m) => m.uuid.startsWith('gp9-')));
    assert.deepEqual(plan.escalateGroups, [9]);
  });

  test('alerts joining a group with a card refresh it; a pending card takes them when sent', () => {
    const rows: OutboxRow[] = [
      { eventId: 1, channel: 'group', receiveId: 'oc_ops', messageId: 'om_g' },
      { eventId: 1, channel: 'private', receiveId: 'ou_alice', messageId: pendingMessageId(3, 'gp9-p-x') },
    ];
    const plan = planDelivery(input(range(50, 2).map((id) => inGroup(id, 9, 1)), { rows }));
    assert.deepEqual([plan.messages, plan.refresh, plan.escalateGroups], [[], [1], []]);
  });

  test('a group that closed gets one resolve reply under its card; one still firing gets none', () => {
    const rows: OutboxRow[] = [{ eventId: 1, channel: 'group', receiveId: 'oc_ops', messageId: 'om_g' }];
    const closed = planDelivery(input(range(200).map((id) => inGroup(id, 9, 1, { status: 'resolved', groupClosed: true })), { rows }));
    assert.deepEqual(closed.replies, [{ uuid: 'gp9-resolved', eventIds: [1], summary: false, groupId: 9 }]);
    const open = planDelivery(input(range(20).map((id) => inGroup(id, 9, 1, { status: 'resolved' })), { rows }));
    assert.deepEqual(open.replies, []);
  });

  test('a storm of 100 groups folds into digests that list groups, every group on one', () => {
    const events = range(100).flatMap((g) => range(100, (g - 1) * 100 + 1).map((id) => inGroup(id, g, (g - 1) * 100 + 1)));
    const plan = planDelivery(input(events, { digestSize: 400, digestBytes: 22_000 }));
    const chat = plan.messages.filter((m) => m.channel === 'group');
    assert.ok(chat.length <= 3 && chat.every((m) => m.digest), `${chat.length} digests`);
    assert.equal(chat.flatMap((m) => m.eventIds).length, 100, 'one line per group (its lead)');
    assert.equal(plan.escalateGroups.length, 100);
  });

  test("a storm going on: the chat's new groups go onto its live digest as far as it has room (one update), the rest and the private copies are posted", () => {
    const groups = (from: number, n: number) => range(n, from).map((g) => inGroup(g * 10, g, g * 10));
    const live = new Map([['oc_ops', { messageId: 'om_storm', groups: 38 }]]);
    const plan = planDelivery(input(groups(1, 5), { recentRound: true, digestSize: 400, digestBytes: 22_000, live }));
    const onLive = plan.rows.filter((r) => r.messageId === digestMessageId('om_storm'));
    assert.deepEqual(onLive.map((r) => [r.eventId, r.channel, r.receiveId]), [[10, 'group', 'oc_ops'], [20, 'group', 'oc_ops']], '40 groups a digest (22,000 bytes of 550): room for 2');
    assert.deepEqual(plan.appended, ['om_storm']);
    const chat = plan.messages.filter((m) => m.channel === 'group');
    assert.deepEqual(chat.map((m) => [m.eventIds, m.digest]), [[[30, 40, 50], true]], 'the rest on a new digest');
    assert.deepEqual(plan.messages.filter((m) => m.channel === 'private').flatMap((m) => m.eventIds), [10, 20, 30, 40, 50], 'a private digest pages its reader: always posted');
    assert.deepEqual(plan.escalateGroups, [1, 2, 3, 4, 5], 'escalation starts for groups on the live digest too');

    const one = planDelivery(input(groups(7, 1), { recentRound: true, digestSize: 400, digestBytes: 22_000, live: new Map([['oc_ops', { messageId: 'om_storm', groups: 3 }]]) }));
    assert.deepEqual(one.appended, ['om_storm'], 'within a second of the last round even one group joins it');
    assert.deepEqual(one.messages.filter((m) => m.channel === 'group'), []);
  });

  test('a digest still waiting for its turn takes the new groups (it is rendered when sent), as far as it has room', () => {
    const waiting = new Map([['ou_alice', { uuid: 'dg5x3-p1-abcd', groups: 39 }]]);
    const plan = planDelivery(input([inGroup(10, 1, 10), inGroup(20, 2, 20), inGroup(30, 3, 30)], { recentRound: true, digestSize: 400, digestBytes: 22_000, waiting }));
    assert.deepEqual(plan.rows.filter((r) => r.channel === 'private' && r.messageId === pendingMessageId(3, 'dg5x3-p1-abcd')).map((r) => r.eventId), [10]);
    assert.deepEqual(plan.joined, [{ uuid: 'dg5x3-p1-abcd', channel: 'private', receiveId: 'ou_alice', eventIds: [10] }]);
    assert.deepEqual(plan.messages.filter((m) => m.channel === 'private').map((m) => [m.eventIds, m.digest]), [[[20, 30], true]], 'the rest on a digest of their own');
    assert.deepEqual(plan.messages.filter((m) => m.channel === 'group').map((m) => m.eventIds), [[10, 20, 30]], 'the chat has no waiting digest');
  });

  test("a digest's uuid says how many events it was planned with (more rows on it: some joined)", () => {
    assert.equal(plannedCount(digestUuid([firing(120), firing(121), firing(125)], 'private', 'ou_alice')), 3);
    assert.equal(plannedCount('ev12-g1-abcdef12'), 0);
  });

  test('no storm going on: a live digest is left alone, a lone group gets its own card', () => {
    const live = new Map([['oc_ops', { messageId: 'om_storm', groups: 3 }]]);
    const plan = planDelivery(input([inGroup(10, 1, 10)], { digestSize: 400, digestBytes: 22_000, live }));
    assert.deepEqual(plan.appended, []);
    assert.deepEqual(plan.messages.filter((m) => m.channel === 'group').map((m) => [m.eventIds, m.digest]), [[[10], false]]);
  });

  test('property: every event to post reaches every recipient exactly once, in ≤ digestSize chunks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 50 }), (n, backlog, size) => {
        const plan = planDelivery(input(range(n).map((id) => firing(id)), { backlog: new Map([['oc_ops', backlog]]), digestSize: size }));
        for (const channel of ['group', 'private'] as const) {
          const ms = plan.messages.filter((m) => m.channel === channel);
          assert.deepEqual(ms.flatMap((m) => m.eventIds).sort((a, b) => a - b), range(n));
          assert.ok(ms.every((m) => m.eventIds.length <= Math.max(1, size)));
        }
        assert.equal(new Set(plan.messages.map((m) => m.uuid)).size, plan.messages.length);
      }),
    );
  });

  test('a byte budget makes digests of long lines smaller, short lines fill the count', () => {
    const events = (n: number, bytes: number) => range(n).map((id) => firing(id, { lineBytes: bytes }));
    const sizes = (p: ReturnType<typeof planDelivery>) => p.messages.filter((m) => m.channel === 'group').map((m) => m.eventIds.length);
    assert.deepEqual(sizes(planDelivery(input(events(1000, 70), { digestSize: 400, digestBytes: 22_000 }))), [250, 250, 250, 250]);
    assert.deepEqual(sizes(planDelivery(input(events(1000, 200), { digestSize: 400, digestBytes: 22_000 }))), Array(10).fill(100));
    assert.deepEqual(sizes(planDelivery(input(events(50, 200), { digestSize: 400 }))), [50], 'no budget: the count alone');
  });

  test('a digest planned within the byte budget fits on one card with every event listed', () => {
    const now = new Date('2026-05-01T08:00:00Z');
    const names: [string, string][] = [
      ['Bench12', '10.1234.3:9100'],
      ['KubePodCrashLoopingForMoreThanFifteenMinutes', 'payments-api-7f9c5d8b6-x2lkq.prod.svc.cluster.local:8080'],
    ];
    for (const [name, target] of names) {
      const plan = planDelivery(input(range(1000).map((id) => firing(id, { lineBytes: digestLineBytes(name, target, 'critical') })), { digestSize: 400, digestBytes: 22_000 }));
      for (const m of plan.messages.filter((x) => x.channel === 'group')) {
        const alerts = m.eventIds.map((id) => ({ id: 100000 + id, alertname: name, target, severity: 'critical', status: 'firing' as const, firstSeenAt: now, resolvedAt: null, claimedBy: null, silencedUntil: null }));
        const c = digestCard({ locale: 'en', sendGroupName: 'ops', alerts, timezone: 'Asia/Shanghai', now, withButtons: true });
        assert.ok(cardBytes(c) <= CARD_MAX_BYTES);
        assert.doesNotMatch(JSON.stringify(c), /more: \/alerts/, `${name}: all ${alerts.length} listed`);
      }
    }
  });

  test('chunkEvenly splits into near-equal chunks, order kept', () => {
    assert.deepEqual(chunkEvenly(range(5), 2).map((c) => c.length), [2, 2, 1]);
    assert.deepEqual(chunkEvenly(range(81), 40).map((c) => c.length), [27, 27, 27]);
    assert.deepEqual(chunkEvenly([], 3), []);
  });
});
