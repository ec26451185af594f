import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Queue } from 'bullmq';
import { DEFAULT_BUZZ_POLICY } from '../../src/sandbox/feishu-buzz';
import type { SandboxMessage } from '../../src/sandbox/feishu-server';
import { cards, newFingerprint, postWebhook, sendGroup, settled, startAlertApp, textOf, titleOf, webhookBody, type AlertTestApp } from '../support/alerts';
import { REDIS_URL } from '../support/env';
import { waitFor } from '../support/processes';

// One escalation "minute" is 300 ms.
const MINUTE = 300;

/**
 * Paging end to end on MariaDB, Redis, BullMQ and the local Feishu server (the real SDK):
 * alerts buzz the person on call, escalation levels buzz by their channel, reminders go first,
 * Feishu's refusals are recorded and fall back, a storm buzzes once.
 */
describe('paging', () => {
  let a: AlertTestApp;
  before(async () => {
    a = await startAlertApp({ env: { ESCALATION_MINUTE_MS: String(MINUTE) } });
  });
  after(() => a.close());
  beforeEach(() => Object.assign(a.feishu.buzzPolicy, structuredClone(DEFAULT_BUZZ_POLICY)));

  const db = () => a.t.app.db;
  const event = (alertname: string) => db()('alert_events').where({ alertname }).first();
  const privateCard = (openId: string, alertname: string) => cards(a.feishu, openId).find((m) => m.parent_id === undefined && textOf(m).includes(alertname) && !titleOf(m).startsWith('Escalated'));
  const escalatedCard = (openId: string, alertname: string) => cards(a.feishu, openId).find((m) => titleOf(m) === `Escalated: ${alertname}`);
  const buzzesOf = (m: SandboxMessage | undefined) => (m?.buzzes ?? []).map((b) => `${b.kind}:${b.openId}`);
  const urgentCalls = (messageId: string) => a.feishu.calls.filter((c) => c.path.startsWith(`/open-apis/im/v1/messages/${messageId}/urgent_`)).map((c) => c.path.split('_').pop());
  const fire = async (group: number, name: string, severity = 'critical', n = 1) => {
    const r = await postWebhook(a.t, webhookBody(Array.from({ length: n }, (_, i) => ({ sendGroup: group, name, severity, instance: `10.0.0.${i + 1}:9100`, fingerprint: newFingerprint() }))));
    assert.ok(r.status < 300, JSON.stringify(r.body));
  };
  const levels = (...l: [number, number, string][]) => ({ enabled: true, levels: l.map(([afterMinutes, user, channel]) => ({ afterMinutes, userIds: [user], channel })) });

  test('a critical alert buzzes the on-call person in the app, on the private card; a warning does not', async () => {
    const g = await sendGroup(a, 'pg-crit');
    await fire(g.id, 'DiskFull');
    await a.feishu.waitFor(() => buzzesOf(privateCard('ou_alice', 'DiskFull')).includes('app:ou_alice'));
    const card = privateCard('ou_alice', 'DiskFull')!;
    assert.equal(card.receive_id_type, 'open_id', 'the private message, not the group card');
    assert.deepEqual(buzzesOf(cards(a.feishu, g.chat)[0]), [], 'the group card is not buzzed');
    const e = await event('DiskFull');
    const row = await waitFor('buzz recorded', () => db()('feishu_buzzes').where({ event_id: e.id, state: 'done' }).first(), undefined, 20);
    assert.equal(row.outcome, 'buzzed');
    assert.equal(row.message_id, card.message_id);
    assert.equal(row.purpose, 'alert');
    assert.ok(await db()('event_timeline').where({ event_id: e.id, kind: 'buzzed' }).first());

    await fire(g.id, 'DiskSlow', 'warning');
    await a.feishu.waitFor(() => privateCard('ou_alice', 'DiskSlow') !== undefined);
    await settled(a.t);
    assert.deepEqual(buzzesOf(privateCard('ou_alice', 'DiskSlow')), []);
    assert.match((await a.t.api('GET', '/metrics')).body as string, /promduty_feishu_buzz_total\{kind="app",outcome="buzzed"\} 1/);
  });

  test('escalation: a reminder precedes each level; a level set to phone calls urgent_phone, the next buzzes in the app', async () => {
    // Levels after 3 s and 6 s; each reminded 1.5 s before (half the wait: the lead is 5 min).
    const g = await sendGroup(a, 'pg-esc', { escalation: levels([10, a.users.bob, 'phone'], [20, a.users.carol, 'buzz_app']), paging: {} });
    await fire(g.id, 'CpuHot');
    await a.feishu.waitFor(() => buzzesOf(escalatedCard('ou_carol', 'CpuHot')).includes('app:ou_carol'));
    const bobCard = escalatedCard('ou_bob', 'CpuHot')!;
    assert.deepEqual(buzzesOf(bobCard), ['phone:ou_bob']);
    assert.deepEqual(urgentCalls(bobCard.message_id), ['phone']);
    assert.deepEqual(buzzesOf(privateCard('ou_alice', 'CpuHot')), [], 'paging {} : the alert itself pages nobody');

    const reminderUnder = (card: SandboxMessage | undefined, to: string) =>
      a.feishu.messages().find((m) => card && m.parent_id === card.message_id && /unacknowledged for \d+ min; escalating to (\w+) in \d+ min/.exec(textOf(m))?.[1] === to);
    await a.feishu.waitFor(() => reminderUnder(bobCard, 'carol') !== undefined);
    const toAlice = reminderUnder(privateCard('ou_alice', 'CpuHot'), 'bob')!;
    assert.ok(toAlice, "alice (level 1's owner) was reminded under her card");
    assert.ok(toAlice.created_at <= bobCard.created_at, 'the reminder came before level 1');
    assert.ok(reminderUnder(bobCard, 'carol')!.created_at <= escalatedCard('ou_carol', 'CpuHot')!.created_at, 'and before level 2');
    const e = await event('CpuHot');
    assert.equal((await db()('event_timeline').where({ event_id: e.id, kind: 'reminded' })).length, 2);
  });

  test('phone refused by the tenant (no scope): recorded, then an app buzz, said in the timeline; never asked twice', async () => {
    a.feishu.buzzPolicy.scopes.phone = false;
    const g = await sendGroup(a, 'pg-fallback', { escalation: levels([1, a.users.bob, 'phone']), paging: {} });
    await fire(g.id, 'NoPhone');
    await a.feishu.waitFor(() => buzzesOf(escalatedCard('ou_bob', 'NoPhone')).includes('app:ou_bob'));
    await settled(a.t);
    const card = escalatedCard('ou_bob', 'NoPhone')!;
    assert.deepEqual(urgentCalls(card.message_id), ['phone', 'app']);
    const rows = await db()('feishu_buzzes').where({ message_id: card.message_id }).orderBy('id');
    assert.deepEqual(rows.map((r: any) => [r.kind, r.outcome, r.feishu_code]), [['phone', 'no_scope', 99991672], ['app', 'buzzed', null]]);
    assert.equal(rows[1].fallback_of, rows[0].id);
    const timeline = await db()('event_timeline').where({ event_id: (await event('NoPhone')).id }).whereIn('kind', ['buzz_failed', 'buzzed']).orderBy('id');
    assert.deepEqual(timeline.map((t: any) => [t.kind, (typeof t.detail === 'string' ? JSON.parse(t.detail) : t.detail).kind]), [['buzz_failed', 'phone'], ['buzzed', 'app']]);
  });

  test("a person's unread-buzz cap (230023) is recorded once and not retried; a private card from another bot is not buzzable", async () => {
    a.feishu.buzzPolicy.unreadCap = 0;
    const g = await sendGroup(a, 'pg-cap');
    await fire(g.id, 'TooMany');
    await waitFor('buzz recorded', async () => (await db()('feishu_buzzes').where({ event_id: (await event('TooMany'))?.id ?? 0, state: 'done' }).first()) ?? null, undefined, 20);
    await settled(a.t);
    const card = privateCard('ou_alice', 'TooMany')!;
    assert.deepEqual(urgentCalls(card.message_id), ['app']);
    const rows = await db()('feishu_buzzes').where({ message_id: card.message_id });
    assert.deepEqual(rows.map((r: any) => [r.outcome, r.feishu_code]), [['unread_cap', 230023]]);
    assert.match((await a.t.api('GET', '/metrics')).body as string, /promduty_feishu_buzz_total\{kind="app",outcome="unread_cap"\} 1/);
  });

  test("a person's rules: SMS for critical; quiet hours put a warning's buzz off until they end", async () => {
    const put = (body: unknown) => a.t.api('PUT', `/api/v1/users/${a.users.alice}/notify-settings`, body);
    assert.equal((await put({ rules: { critical: { channel: 'sms' } } })).status, 200);
    const g = await sendGroup(a, 'pg-rules', { paging: { critical: 'buzz_app', warning: 'buzz_app' } });
    await fire(g.id, 'SmsMe');
    await a.feishu.waitFor(() => buzzesOf(privateCard('ou_alice', 'SmsMe')).includes('sms:ou_alice'));

    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const now = Date.now();
    const quiet = { start: hhmm(new Date(now - 3_600_000)), end: hhmm(new Date(now + 3_600_000)) };
    assert.equal((await put({ timezone: 'UTC', quietHours: quiet, rules: {} })).status, 200);
    const bad = await put({ quietHours: { start: '25:00', end: '07:00' } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /quietHours\.start/);
    assert.equal((await put({ timezone: 'Mars/Olympus' })).status, 400);
    assert.deepEqual((await a.t.api('GET', `/api/v1/users/${a.users.alice}/notify-settings`)).body.quietHours, quiet);

    // Another send group (so another alert group): the storm guard is one buzz per person and alert group per 10 min.
    const quietGroup = await sendGroup(a, 'pg-quiet', { paging: { warning: 'buzz_app' } });
    await fire(quietGroup.id, 'LaterPlease', 'warning');
    await a.feishu.waitFor(() => privateCard('ou_alice', 'LaterPlease') !== undefined);
    const e = await event('LaterPlease');
    const row = await waitFor('buzz planned', () => db()('feishu_buzzes').where({ event_id: e.id }).first(), undefined, 20);
    assert.equal(row.state, 'planned');
    assert.ok(row.due_at.getTime() > now + 3_000_000, `due at ${row.due_at.toISOString()}`);
    assert.match(row.detail, /quiet-until/);
    assert.deepEqual(buzzesOf(privateCard('ou_alice', 'LaterPlease')), []);
    await put({});
  });

  const groupOf = async (alertname: string): Promise<number> => {
    const e = await waitFor(`${alertname} grouped`, () => db()('alert_events').where({ alertname }).whereNotNull('group_id').first(), undefined, 20);
    return e.group_id as number;
  };
  const ada = (userId: number) => ({ kind: 'user' as const, name: 'alice', userId });

  test('add responder: the added person gets the group card privately and is buzzed on it, though the group is acknowledged', async () => {
    const g = await sendGroup(a, 'pg-resp', { paging: {} });
    await fire(g.id, 'NeedHelp', 'warning');
    await a.feishu.waitFor(() => privateCard('ou_alice', 'NeedHelp') !== undefined);
    const groupId = await groupOf('NeedHelp');
    await a.t.app.groups.acknowledge(groupId, ada(a.users.alice));
    await a.t.app.groups.addResponder(groupId, 'ou_carol', ada(a.users.alice));
    await a.feishu.waitFor(() => buzzesOf(privateCard('ou_carol', 'NeedHelp')).includes('app:ou_carol'));
    assert.deepEqual(urgentCalls(privateCard('ou_carol', 'NeedHelp')!.message_id), ['app']);
    const rows = await waitFor('buzz recorded', () => db()('feishu_buzzes').where({ open_id: 'ou_carol', purpose: 'responder', state: 'done' }).first(), undefined, 20);
    assert.deepEqual([rows.kind, rows.outcome, rows.group_key], ['app', 'buzzed', `grp${groupId}:responder`]);
    assert.deepEqual(buzzesOf(privateCard('ou_alice', 'NeedHelp')), [], 'paging {} : the alert itself pages nobody');
  });

  test("escalate now: the next level's cards are buzzed by the level's channel, as when its timer fires", async () => {
    // Level 1 after 60 "minutes" (18 s): only the button reaches it within the test.
    const g = await sendGroup(a, 'pg-now', { escalation: levels([60, a.users.bob, 'phone']), paging: {} });
    await fire(g.id, 'EscalateMe');
    await a.feishu.waitFor(() => privateCard('ou_alice', 'EscalateMe') !== undefined);
    const groupId = await groupOf('EscalateMe');
    await a.t.app.groups.escalateNow(groupId, ada(a.users.alice));
    await a.feishu.waitFor(() => buzzesOf(escalatedCard('ou_bob', 'EscalateMe')).includes('phone:ou_bob'));
    assert.deepEqual(urgentCalls(escalatedCard('ou_bob', 'EscalateMe')!.message_id), ['phone']);
    const rows = await db()('feishu_buzzes').where({ open_id: 'ou_bob', purpose: 'escalation', group_key: `grp${groupId}:l1` });
    assert.deepEqual(rows.map((r: any) => r.kind), ['phone']);
  });

  test('storm guard per alert group: a second incident in the same send group buzzes again; more alerts of the first do not', async () => {
    const g = await sendGroup(a, 'pg-incidents', { paging: { critical: 'buzz_app' } });
    const first = `{}:{test="${newFingerprint()}"}`;
    const post = async (name: string, groupKey: string) => {
      const r = await postWebhook(a.t, webhookBody([{ sendGroup: g.id, name, severity: 'critical', fingerprint: newFingerprint() }], groupKey));
      assert.ok(r.status < 300, JSON.stringify(r.body));
    };
    await post('IncidentOne', first);
    await a.feishu.waitFor(() => buzzesOf(privateCard('ou_alice', 'IncidentOne')).includes('app:ou_alice'));
    await post('IncidentTwo', `{}:{test="${newFingerprint()}"}`);
    await a.feishu.waitFor(() => buzzesOf(privateCard('ou_alice', 'IncidentTwo')).includes('app:ou_alice'));
    // A later alert of the first incident (same Alertmanager group) rides on its card: no new buzz.
    await post('IncidentOne', first);
    await settled(a.t, ['alerts', 'delivery']);
    const mine = db()('alert_events').where({ send_group_id: g.id }).select('id');
    const rows = await db()('feishu_buzzes').where({ open_id: 'ou_alice', purpose: 'alert' }).whereIn('event_id', mine).orderBy('id');
    const one = await groupOf('IncidentOne');
    const two = await groupOf('IncidentTwo');
    assert.deepEqual(rows.map((r: any) => r.group_key), [`grp${one}`, `grp${two}`]);
  });

  test('a storm of many alert groups in waves: several private storm digests, one buzz', async () => {
    const g = await sendGroup(a, 'pg-waves', { paging: { critical: 'buzz_app' } });
    const digests = () => cards(a.feishu, 'ou_alice').filter((m) => textOf(m).includes('pg-waves') && /^\d+ alert groups/.test(titleOf(m)));
    // Two waves of eight Alertmanager groups at once, the second after the first's digest is out.
    for (const wave of [1, 2]) {
      await Promise.all(Array.from({ length: 8 }, () => fire(g.id, `Wave${wave}`)));
      await a.feishu.waitFor(() => digests().some((m) => textOf(m).includes(`Wave${wave}`)));
    }
    await settled(a.t, ['alerts', 'delivery']);
    assert.ok(digests().length >= 2, `${digests().length} private digests`);
    // Before: each digest was paged under its first group, always a new one, so each buzzed.
    const mine = db()('alert_events').where({ send_group_id: g.id }).select('id');
    const onDigests = await db()('feishu_buzzes').where({ open_id: 'ou_alice', purpose: 'alert' }).where('send_uuid', 'like', 'dg%').whereIn('event_id', mine);
    assert.deepEqual(onDigests.map((r: any) => r.group_key), [`sg${g.id}`], 'one buzz for the digests, under the send group');
    await a.feishu.waitFor(() => digests().some((m) => buzzesOf(m).includes('app:ou_alice')));
  });

  test('a storm of 200 alerts escalated at once: the escalation user gets one buzz', async () => {
    const g = await sendGroup(a, 'pg-storm', { escalation: levels([1, a.users.carol, 'buzz_app']), notifyOncallPrivate: false, paging: {} });
    await fire(g.id, 'Storm', 'critical', 200);
    // The 200 alerts are one Alertmanager group: it escalates once (wt/inc-groups), and paging plans one buzz per person, group and level.
    const storm = () => db()('alert_events').where({ send_group_id: g.id }).select('id');
    await waitFor('the storm escalated', () => db()('feishu_buzzes').where({ open_id: 'ou_carol', purpose: 'escalation' }).whereIn('event_id', storm()).first(), 90_000, 100);
    // Buzzes are planned by delivery and escalation; the paging queue is not waited on: it holds
    // the quiet-hours test's buzz, delayed until its quiet hours end.
    await settled(a.t, ['alerts', 'delivery', 'escalation']);
    // This send group's alerts only: earlier tests escalated other groups to Carol too.
    const rows = await db()('feishu_buzzes').where({ open_id: 'ou_carol', purpose: 'escalation' }).where('group_key', 'like', 'grp%').whereIn('event_id', storm());
    assert.equal(rows.length, 1);
    await a.feishu.waitFor(() => a.feishu.messagesFor('ou_carol').some((m) => buzzesOf(m).includes('app:ou_carol') && textOf(m).includes('Storm')), 90_000);
    const buzzed = a.feishu.messages().flatMap((m) => (m.buzzes ?? []).filter((b) => b.openId === 'ou_carol' && textOf(m).includes('Storm')));
    assert.equal(buzzed.length, 1);
  });

  test('a buzz queued on the notify queue (before buzzes had the paging queue) still runs', async () => {
    const queue = (name: string) => new Queue(name, { connection: { url: REDIS_URL }, prefix: a.t.app.settings.redisPrefix });
    const [paging, notify] = [queue('paging'), queue('notify')];
    try {
      await paging.pause();
      const g = await sendGroup(a, 'pg-legacy');
      await fire(g.id, 'OldQueue');
      const job = await waitFor('the buzz job', async () => (await paging.getJobs(['waiting', 'paused', 'prioritized'])).find((j) => j.name === 'buzz'), 60_000, 50);
      // As an earlier version queued it: same name and data, on notify.
      await job.remove();
      await notify.add('buzz', job.data, { jobId: `buzz-${job.data.id}` });
      await a.feishu.waitFor(() => buzzesOf(privateCard('ou_alice', 'OldQueue')).includes('app:ou_alice'), 60_000);
    } finally {
      await paging.resume();
      await Promise.all([paging.close(), notify.close()]);
    }
  });
});
