import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Queue } from 'bullmq';
import { cards, escalationQueue, postWebhook, runEscalationNow, sendGroup, settled, startAlertApp, textOf, titleOf, webhookBody, type AlertTestApp } from '../support/alerts';
import { waitFor } from '../support/processes';

// One escalation "minute" is 300 ms here. The slow group's timer (an hour: 18 s) never fires on
// its own during a test: tests act first, however slow the machine, then run it (runEscalationNow).
const MINUTE = 300;

describe('escalation', () => {
  let a: AlertTestApp;
  let escalation: Queue;
  let fast: { id: number; chat: string };
  let slow: { id: number; chat: string };
  before(async () => {
    a = await startAlertApp({ env: { ESCALATION_MINUTE_MS: String(MINUTE) } });
    escalation = escalationQueue(a.t);
    const levels = (...l: [number, number][]) => ({ enabled: true, levels: l.map(([afterMinutes, user]) => ({ afterMinutes, userIds: [user] })) });
    fast = await sendGroup(a, 'esc-fast', { escalation: levels([1, a.users.bob], [3, a.users.carol]) });
    slow = await sendGroup(a, 'esc-slow', { escalation: levels([60, a.users.bob]) });
  });
  after(async () => {
    await escalation.close();
    await a.close();
  });

  const event = (alertname: string) => a.t.app.db('alert_events').where({ alertname }).first();
  /** Escalation belongs to the alert group (Alertmanager's group), not to each alert. */
  const group = (alertname: string) => a.t.app.db('alert_groups').where({ alertname }).first();
  const escalatedCards = (openId: string, alertname: string) => cards(a.feishu, openId).filter((m) => titleOf(m) === `Escalated: ${alertname}`);
  /** Fires an alert in the slow group and waits until its group's escalation timer is set. */
  const fireSlow = async (alertname: string) => {
    await postWebhook(a.t, webhookBody([{ sendGroup: slow.id, name: alertname, fingerprint: `f${alertname}` }], `{}:{alertname="${alertname}"}`));
    const g = await waitFor(`${alertname} stored`, async () => (await group(alertname))?.lead_event_id ? group(alertname) : undefined, undefined, 20);
    await waitFor(`${alertname} timer`, async () => (await escalation.getJob(`escg-${g.id}-${g.escalation_id}-1`)) !== undefined, undefined, 20);
    return g;
  };
  /** Runs the level-1 timer of group `g` now, as if it were due, and waits until it has run. */
  const pastDue = (g: any) => runEscalationNow(escalation, { id: g.lead_event_id, groupId: g.id, escalation_id: g.escalation_id });

  test('unacknowledged: level 1 after its delay (private group card, the chat told), then level 2', async () => {
    await postWebhook(a.t, webhookBody([{ sendGroup: fast.id, name: 'CpuHot' }]));
    await a.feishu.waitFor(() => escalatedCards('ou_bob', 'CpuHot').length === 1);
    const e = await event('CpuHot');
    const firstSeen = e.first_seen_at.getTime();
    const bobCard = escalatedCards('ou_bob', 'CpuHot')[0]!;
    assert.ok(bobCard.created_at - firstSeen >= MINUTE, `escalated ${bobCard.created_at - firstSeen} ms after first seen`);
    assert.match(textOf(bobCard), /Escalated to you\*\* \(level 1\)/);
    assert.match(textOf(bobCard), /"a":"g_ack"/, 'the escalation card carries the group actions');
    const [groupCard] = cards(a.feishu, fast.chat);
    // Each level's notice is a reply to the group's card. Found by what it says, not by order:
    // on a busy machine level 2's notice may go out before level 1's.
    const notice = (level: RegExp) => a.feishu.messagesFor(fast.chat).some((m) => m.parent_id === groupCard!.message_id && level.test(textOf(m)));
    await a.feishu.waitFor(() => notice(/escalated to <at id=ou_bob><\/at> \(level 1\)/));

    await a.feishu.waitFor(() => escalatedCards('ou_carol', 'CpuHot').length === 1);
    assert.ok(escalatedCards('ou_carol', 'CpuHot')[0]!.created_at - firstSeen >= 3 * MINUTE);
    await a.feishu.waitFor(() => notice(/escalated to <at id=ou_carol><\/at> \(level 2\)/));
    await settled(a.t);
    const g = await group('CpuHot');
    assert.equal(g.escalation_level, 2);
    const escalated = await a.t.app.db('alert_group_timeline').where({ group_id: g.id, kind: 'escalated' }).orderBy('id');
    assert.equal(escalated.length, 2);
    assert.match(textOf(cards(a.feishu, fast.chat)[0]!), /Escalated:\*\* level 2/, 'the group card shows the level');
    const text = (await a.t.api('GET', '/metrics')).body as string;
    assert.match(text, /promduty_escalations_total\{outcome="escalated"\} 2/);
    assert.match(text, /promduty_escalation_lateness_seconds_count 2/);
  });

  test('acknowledged before the timer: the timer does nothing', async () => {
    const g = await fireSlow('Claimed');
    await a.t.app.db('alert_groups').where({ id: g.id }).update({ acknowledged_by: a.users.alice, acknowledged_at: new Date() });
    await pastDue(g);
    assert.equal((await group('Claimed')).escalation_level, 0);
    assert.equal(escalatedCards('ou_bob', 'Claimed').length, 0);
    assert.equal((await a.t.app.db('alert_group_timeline').where({ group_id: g.id, kind: 'escalated' })).length, 0);
  });

  test('resolved before the timer: nothing', async () => {
    const g = await fireSlow('GoneAway');
    await postWebhook(a.t, webhookBody([{ sendGroup: slow.id, name: 'GoneAway', fingerprint: 'fGoneAway', status: 'resolved', endsAt: '2026-01-05T01:01:00Z' }], `{}:{alertname="GoneAway"}`));
    await waitFor('resolved', async () => (await group('GoneAway')).status === 'resolved', undefined, 20);
    await pastDue(g);
    assert.equal((await group('GoneAway')).escalation_level, 0);
    assert.equal(escalatedCards('ou_bob', 'GoneAway').length, 0);
  });

  test('a stale timer (the group has another escalation id now) does nothing; silenced groups neither', async () => {
    const stale = await fireSlow('Replaced');
    await a.t.app.db('alert_groups').where({ id: stale.id }).update({ escalation_id: 'another-one' });
    const silenced = await fireSlow('Hushed');
    await a.t.app.db('alert_groups').where({ id: silenced.id }).update({ silenced_until: new Date(Date.now() + 3_600_000), silence_id: 's1' });
    await pastDue(stale);
    await pastDue(silenced);
    assert.equal(escalatedCards('ou_bob', 'Replaced').length + escalatedCards('ou_bob', 'Hushed').length, 0);
    assert.equal((await group('Replaced')).escalation_level, 0);
    assert.match((await a.t.api('GET', '/metrics')).body, /promduty_escalations_total\{outcome="stale"\} 4/);
  });
});
