import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pendingMessageId } from '../../src/events/outbox-keys';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { textCard } from '../../src/cards/text-card';
import { silentLogger } from '../../src/core/logger';
import { createLarkClient } from '../../src/feishu/client';
import { FEISHU_UPDATES, RecipientRateLimit } from '../../src/feishu/rate-limit';
import { larkCardSender } from '../../src/feishu/send';
import { overLimit } from '../support/feishu-limits';
import { waitFor } from '../support/processes';
import { APP, cards, HOOK_SECRET, HOOK_TOKEN, postWebhook, sendGroup, settled, startAlertApp, templateOf, textOf, titleOf, webhookBody, type AlertTestApp } from '../support/alerts';

describe('alert delivery to Feishu', () => {
  let a: AlertTestApp;
  before(async () => {
    a = await startAlertApp();
  });
  after(() => a.close());

  const event = (alertname: string) => a.t.app.db('alert_events').where({ alertname }).first();
  /** A Redis prefix of the test's own, so the other tests' sends are not in its limit logs. */
  const withOwnLogs = async (name: string, fn: (redis: Redis) => Promise<void>): Promise<void> => {
    const redis = a.t.app.redis.duplicate({ keyPrefix: `${a.t.app.settings.redisPrefix}:${name}:` });
    try {
      if (redis.status !== 'ready') await once(redis, 'ready');
      await fn(redis);
    } finally {
      redis.disconnect();
    }
  };
  const sendCalls = (receiveId: string) => a.feishu.calls.filter((c) => c.path === '/open-apis/im/v1/messages' && c.body?.receive_id === receiveId);

  test('firing: card in the chat @ the person on call, a private card, the custom bot signed without buttons', async () => {
    const hookUrl = `${a.feishu.url}/open-apis/bot/v2/hook/${HOOK_TOKEN}`;
    const sg = await sendGroup(a, 'web', { webhookUrl: hookUrl, webhookSecret: HOOK_SECRET });
    await postWebhook(a.t, webhookBody([{ sendGroup: sg.id, name: 'DiskFull', severity: 'warning' }]));
    await settled(a.t);
    const [group] = cards(a.feishu, sg.chat);
    assert.equal(titleOf(group!), 'DiskFull');
    assert.equal(templateOf(group!), 'orange');
    assert.match(textOf(group!), /<at id=ou_alice><\/at>/);
    assert.match(textOf(group!), /"a":"g_ack"/, 'the app bot card has buttons');
    const e = await event('DiskFull');
    assert.equal(group!.uuid?.startsWith(`gp${e.group_id}-g-`), true, 'the card of the alert group');
    assert.equal(cards(a.feishu, 'ou_alice').filter((m) => titleOf(m) === 'DiskFull').length, 1);
    const [hook] = a.feishu.messagesFor(`hook:${HOOK_TOKEN}`);
    assert.ok(hook, 'the custom bot got the card (its signature checked by the sandbox)');
    assert.doesNotMatch(JSON.stringify(hook.content), /"a":"claim"/);
    assert.match(JSON.stringify(hook.content), /\/claim \d+/, 'a command instead of buttons');
    const rows = await a.t.app.db('alert_event_messages').where({ event_id: e.id }).orderBy('channel');
    assert.deepEqual(rows.map((r: any) => [r.channel, r.message_id.slice(0, 3)]), [['group', 'om_'], ['private', 'om_'], ['webhook', 'sen']]);

    // Resolved: the app bot's cards turn green in place, a reply says how long; the custom bot gets a new (green) card.
    await postWebhook(a.t, webhookBody([{ sendGroup: sg.id, name: 'DiskFull', severity: 'warning', status: 'resolved', endsAt: '2026-01-05T01:12:30Z', fingerprint: e.fingerprint }]));
    await settled(a.t);
    assert.equal(cards(a.feishu, sg.chat).length, 1);
    assert.equal(templateOf(cards(a.feishu, sg.chat)[0]!), 'green');
    assert.equal(templateOf(cards(a.feishu, 'ou_alice').find((m) => titleOf(m) === 'DiskFull')!), 'green');
    const reply = a.feishu.messagesFor(sg.chat).find((m) => m.parent_id === group!.message_id);
    assert.match(JSON.stringify(reply?.content ?? ''), /alert of this group resolved after 12m 29s/, 'the group\'s "resolved" notice under its card');
    const hooks = a.feishu.messagesFor(`hook:${HOOK_TOKEN}`);
    assert.deepEqual(hooks.map((m) => m.content.header.template), ['orange', 'green']);
  });

  test('a repeat updates the card in place (new value, count) and posts nothing new', async () => {
    // About repeats, not paging: the alert is critical, so the default paging ({critical: buzz_app})
    // would add a 'buzzed' entry racing the repeat. Paging off here; alert-paging.test.ts covers it.
    const sg = await sendGroup(a, 'repeat', { paging: {} });
    const fingerprint = 'aaaa00001111';
    await postWebhook(a.t, webhookBody([{ sendGroup: sg.id, name: 'Load', fingerprint, annotations: { summary: 'load high', description_value: '3.1' } }]));
    await settled(a.t);
    await postWebhook(a.t, webhookBody([{ sendGroup: sg.id, name: 'Load', fingerprint, annotations: { summary: 'load high', description_value: '7.9' } }]));
    await settled(a.t);
    const group = cards(a.feishu, sg.chat);
    assert.equal(group.length, 1, 'no new post');
    assert.match(textOf(group[0]!), /7\.9/);
    assert.ok(group[0]!.updated_at > group[0]!.created_at, 'patched');
    const e = await event('Load');
    assert.equal(e.repeat_count, 1);
    assert.deepEqual(await a.t.app.db('event_timeline').where({ event_id: e.id }).orderBy('id').pluck('kind'), ['fired', 'repeated']);
    assert.equal((await a.t.app.db('feishu_buzzes').where({ event_id: e.id })).length, 0, 'paging off: no buzz planned');
  });

  test('Feishu answering 429 then 200: delivered once, after the reset time', async () => {
    const sg = await sendGroup(a, 'limited', { notifyOncallPrivate: false });
    a.feishu.failNext('send', { status: 429, rateLimitResetSeconds: 2 });
    await postWebhook(a.t, webhookBody([{ sendGroup: sg.id, name: 'Slow' }]));
    await a.feishu.waitFor(() => cards(a.feishu, sg.chat).length === 1);
    await settled(a.t);
    const calls = sendCalls(sg.chat);
    assert.equal(calls.length, 2);
    assert.ok(calls[1]!.at - calls[0]!.at >= 2000, `retried after ${calls[1]!.at - calls[0]!.at} ms`);
    assert.equal(cards(a.feishu, sg.chat).length, 1);
    assert.equal((await event('Slow')).notify_error, null);
  });

  test('a permanent refusal (bot not in the chat) is recorded on the event and not retried', async () => {
    const sg = await sendGroup(a, 'nobot', { notifyOncallPrivate: false });
    a.feishu.failNext('send', { code: 230002 });
    await postWebhook(a.t, webhookBody([{ sendGroup: sg.id, name: 'Orphan' }]));
    await settled(a.t);
    const e = await event('Orphan');
    assert.match(e.notify_error, /230002|outside the group/);
    const failed = await a.t.app.db('event_timeline').where({ event_id: e.id, kind: 'notify_failed' }).first();
    assert.equal(failed.detail.feishuCode ?? JSON.parse(failed.detail).feishuCode, 230002);
    assert.equal((await a.t.app.db('alert_event_messages').where({ event_id: e.id }).first()).message_id, null);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(sendCalls(sg.chat).length, 1, 'one try only');
    assert.match((await a.t.api('GET', '/metrics')).body, /promduty_alert_notifications_total\{channel="group",kind="card",outcome="failed"\} 1/);
  });

  test('an alert storm of one Alertmanager group: one group card listing every alert, one reply when it resolves', async () => {
    const sg = await sendGroup(a, 'storm');
    const alerts = Array.from({ length: 60 }, (_, i) => ({ sendGroup: sg.id, name: 'NodeDown', instance: `10.1.0.${i}:9100` }));
    await postWebhook(a.t, webhookBody(alerts));
    await settled(a.t);
    const ids = (await a.t.app.db('alert_events').where({ send_group_id: sg.id }).pluck('id')) as number[];
    assert.equal(ids.length, 60);
    for (const receiver of [sg.chat, 'ou_alice']) {
      const posted = cards(a.feishu, receiver).filter((m) => titleOf(m) === 'NodeDown');
      assert.equal(posted.length, 1, `one card for ${receiver}`);
      assert.match(JSON.stringify(posted[0]!.content.header), /Group #\d+ · 60 alerts/);
      const text = textOf(posted[0]!);
      for (const id of ids) assert.match(text, new RegExp(`#${id} `), `event ${id} listed for ${receiver}`);
    }
    const stored = await a.t.app.db('alert_event_messages').whereIn('event_id', ids).where({ channel: 'group' }).pluck('message_id');
    assert.equal(stored.length, 1, 'one outbox row: the group\'s lead event');
    assert.ok(stored[0].startsWith('om_'));

    // They all resolve: the card turns green; one reply for the group, not one per alert.
    const fps: string[] = await a.t.app.db('alert_events').where({ send_group_id: sg.id }).orderBy('id').pluck('fingerprint');
    await postWebhook(a.t, webhookBody(alerts.map((x, i) => ({ ...x, status: 'resolved', endsAt: '2026-01-05T01:05:00Z', fingerprint: fps[i] }))));
    await settled(a.t);
    const after = cards(a.feishu, sg.chat);
    assert.equal(after.length, 1);
    assert.match(textOf(after[0]!), /✅ \*\*60\*\* resolved/);
    assert.ok(after.every((m) => templateOf(m) === 'green'));
    assert.equal(a.feishu.messagesFor(sg.chat).filter((m) => m.parent_id).length, 1);
  });

  test('a storm arriving as many notifications is folded as it comes', async () => {
    const sg = await sendGroup(a, 'burst', { notifyOncallPrivate: false });
    await Promise.all(Array.from({ length: 60 }, (_, i) => postWebhook(a.t, webhookBody([{ sendGroup: sg.id, name: 'Burst', instance: `10.3.0.${i}:9100` }]))));
    await settled(a.t);
    // Each notification has its own groupKey: 60 alert groups, folded into storm digests of groups.
    const groupIds = (await a.t.app.db('alert_events').where({ send_group_id: sg.id }).distinct('group_id').pluck('group_id')) as number[];
    assert.equal(groupIds.length, 60);
    const messages = cards(a.feishu, sg.chat);
    assert.ok(messages.length < 30, `${messages.length} messages for 60 alerts`);
    const text = messages.map(textOf).join('\n');
    for (const id of groupIds) assert.equal(text.match(new RegExp(`[Gg]roup #${id}(?!\\d)`, 'g'))?.length, 1, `group ${id} on exactly one message`);
  });

  test("a storm in waves: the later groups go onto the chat's storm digest in place (one card update), not into a message more", async () => {
    const sg = await sendGroup(a, 'waves', { notifyOncallPrivate: false });
    const wave = (from: number) => Promise.all(Array.from({ length: 10 }, (_, i) => postWebhook(a.t, webhookBody([{ sendGroup: sg.id, name: 'Wave', instance: `10.9.0.${from + i}:9100` }]))));
    await wave(0);
    await settled(a.t);
    const before = cards(a.feishu, sg.chat);
    const digest = before.filter((m) => m.uuid?.startsWith('dg')).at(-1);
    assert.ok(digest, `the first wave's 10 groups at once fold into a storm digest: ${before.map((m) => m.uuid).join(' ')}`);
    const patchesBefore = a.feishu.calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(digest.message_id)).length;

    await wave(10);
    await settled(a.t);
    const after = cards(a.feishu, sg.chat);
    assert.equal(after.length, before.length, 'no new message in the chat');
    assert.ok(a.feishu.calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(digest.message_id)).length > patchesBefore, 'the digest was updated');
    const groupIds = (await a.t.app.db('alert_events').where({ send_group_id: sg.id }).distinct('group_id').pluck('group_id')) as number[];
    assert.equal(groupIds.length, 20);
    const text = after.map(textOf).join('\n');
    for (const id of groupIds) assert.equal(text.match(new RegExp(`[Gg]roup #${id}(?!\\d)`, 'g'))?.length, 1, `group ${id} on exactly one message`);
    const onDigest = await a.t.app.db('alert_event_messages').where({ message_id: `digest:${digest.message_id}` }).count({ n: '*' }).first();
    assert.ok(Number(onDigest?.n) >= 10, `the second wave is recorded on the digest: ${onDigest?.n} groups`);
  });

  test('the per-recipient limit: 5 messages a second to one chat, shared by every worker through Redis', async () => {
    const limit = new RecipientRateLimit(a.t.app.redis);
    const runs = Array.from({ length: 12 }, () => limit.slots());
    const waits = await Promise.all(runs.map((r) => r.gate('oc_limit_test')));
    assert.equal(waits.filter((w) => w === 0).length, 5);
    assert.ok(waits.filter((w) => w > 0).every((w) => w <= 1000));
    assert.equal(await limit.slots().gate('oc_another_chat'), 0, 'each chat has its own budget');
    await Promise.all(runs.map((r) => r.close()));
  });

  test('the app limit per minute: after 1,000 sends in a minute (here 8) the next waits for the oldest to age out', async () => {
    // Feishu allows 50 a second but only 1,000 a minute: a storm longer than 20 s at 50/s
    // would get 429s.
    await withOwnLogs('minute-test', async (redis) => {
      // Not paced (a burst of the whole minute): the log alone.
      const limit = new RecipientRateLimit(redis, { perRecipientPerSecond: 5, perAppPerSecond: 50, perAppPerMinute: 8, appBurst: 8 });
      const runs = Array.from({ length: 9 }, () => limit.slots());
      const waits: number[] = [];
      for (const [i, r] of runs.entries()) waits.push(await r.gate(`oc_minute_${i}`));
      assert.deepEqual(waits.slice(0, 8), [0, 0, 0, 0, 0, 0, 0, 0], 'eight recipients, one send each: all admitted');
      await Promise.all(runs.map((r) => r.close()));
      const wait = await limit.slots().gate('oc_minute_last');
      assert.ok(wait > 55_000 && wait <= 60_000, `the ninth waits for the first to be a minute old: ${wait} ms`);
      assert.ok(waits[8]! > 1000, `refused while the others were in flight too: ${waits[8]} ms`);
    });
  });

  test('past its burst the app is paced: the minute spread evenly, not spent in its first 20 seconds', async () => {
    await withOwnLogs('pace-test', async (redis) => {
      // 120 a minute with a burst of 5: five at once, then one every 60000 / 115 ms, rounded up.
      const limit = new RecipientRateLimit(redis, { perRecipientPerSecond: 5, perAppPerSecond: 50, perAppPerMinute: 120, appBurst: 5 });
      const gate = (i: number) => limit.slots().gate(`oc_pace_${i}`);
      const first = [];
      for (let i = 0; i < 6; i++) first.push(await gate(i));
      assert.deepEqual(first.slice(0, 5), [0, 0, 0, 0, 0], 'the burst goes at once');
      assert.ok(first[5]! > 0 && first[5]! <= 522, `the sixth waits for its turn: ${first[5]} ms`);
      await sleep(first[5]! + 5);
      assert.equal(await gate(6), 0, 'its turn come, it goes');
      assert.ok((await gate(7)) > 400, 'and the next waits a whole interval');
    });
  });

  test('card updates have limits of their own: 5 a second to one message, and sends at their limit do not hold them up', async () => {
    await withOwnLogs('update-test', async (redis) => {
      const sends = new RecipientRateLimit(redis, { perRecipientPerSecond: 5, perAppPerSecond: 3, perAppPerMinute: 100, appBurst: 100 });
      const updates = new RecipientRateLimit(redis, { ...FEISHU_UPDATES, perAppPerSecond: 3 }, 'update');
      const held = Array.from({ length: 4 }, () => sends.slots());
      const sent = await Promise.all(held.map((r, i) => r.gate(`oc_update_test_${i}`)));
      assert.deepEqual(sent.map((w) => w === 0), [true, true, true, false], 'the sends are at their app limit');
      const toOne = Array.from({ length: 6 }, () => updates.slots());
      const waits: number[] = [];
      for (const r of toOne.slice(0, 3)) waits.push(await r.gate('om_one_message'));
      assert.deepEqual(waits, [0, 0, 0], 'updates count apart from sends');
      assert.ok((await toOne[3]!.gate('om_other_message')) > 0, 'and the update API has an app limit of its own');
      await Promise.all([...held, ...toOne].map((r) => r.close()));
      const perMessage = new RecipientRateLimit(redis, FEISHU_UPDATES, 'update');
      const five = [];
      for (let i = 0; i < 6; i++) five.push(await perMessage.slots().gate('om_busy_message'));
      assert.deepEqual(five.slice(0, 5), [0, 0, 0, 0, 0]);
      assert.ok(five[5]! > 0 && five[5]! <= 11_000, `the sixth update of one message within a second waits: ${five[5]} ms`);
    });
  });

  test('a burst to one chat stays within 5 a second as Feishu sees it, however long each send takes to get there', { timeout: 30_000 }, async () => {
    // Fails with a fixed window counted at admission: the first five are admitted at once and
    // reach Feishu late (a slow render), the sixth is admitted when the window turns and
    // arrives well within a second of them.
    const limit = new RecipientRateLimit(a.t.app.redis);
    const sender = larkCardSender(createLarkClient({ ...APP, domain: a.feishu.url, mode: 'http', enabled: true }, silentLogger()), silentLogger());
    const chat = 'oc_burst_pacing';
    const sendOne = async (i: number): Promise<void> => {
      for (;;) {
        const slots = limit.slots();
        try {
          const wait = await slots.gate(chat);
          if (wait === 0) {
            if (i < 5) await sleep(300);
            await sender.sendToChat(chat, textCard({ title: `burst ${i}`, markdown: 'body' }), `burst-pacing-${i}`);
            return;
          }
          await sleep(wait);
        } finally {
          await slots.close();
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => sendOne(i)));
    const sent = a.feishu.messagesFor(chat);
    assert.equal(sent.length, 8);
    assert.equal(overLimit(sent), 0, sent.map((m) => m.created_at - sent[0]!.created_at).join(' '));
  });

  test('many single cards resolving at once: each card turns green, one summary instead of a reply each', async () => {
    const sg = await sendGroup(a, 'calm', { notifyOncallPrivate: false });
    const alerts = Array.from({ length: 8 }, (_, i) => ({ sendGroup: sg.id, name: 'Flap', instance: `10.2.0.${i}:9100`, fingerprint: `beef${i}000` }));
    for (const x of alerts) {
      await postWebhook(a.t, webhookBody([x]));
      await settled(a.t);
    }
    assert.equal(cards(a.feishu, sg.chat).length, 8);
    await postWebhook(a.t, webhookBody(alerts.map((x) => ({ ...x, status: 'resolved', endsAt: '2026-01-05T01:00:30.5Z' }))));
    await settled(a.t);
    const all = a.feishu.messagesFor(sg.chat);
    assert.equal(all.filter((m) => m.parent_id).length, 0, 'no reply per card');
    const summary = all.find((m) => titleOf(m) === '8 alerts resolved');
    assert.ok(summary, all.map(titleOf).join(', '));
    assert.equal((textOf(summary).match(/lasted 30s/g) ?? []).length, 8);
    assert.equal(all.filter((m) => titleOf(m) === 'Flap' && templateOf(m) === 'green').length, 8);
  });

  test('a send group whose delivery gave up is delivered by the sweep, with no new alert to set it going', { timeout: 60_000 }, async () => {
    const sg = await sendGroup(a, 'sweep');
    await postWebhook(a.t, webhookBody([{ sendGroup: sg.id, name: 'SweptPending' }]));
    await settled(a.t);
    const sent = await event('SweptPending');
    const db = a.t.app.db;
    // What a send job dropped after its last attempt leaves: a planned message still pending.
    await db('alert_event_messages').where({ event_id: sent.id, channel: 'group' }).update({ message_id: pendingMessageId(sg.id, 'sweep-test') });
    // What a delivery job that gave up leaves: an event stored and never planned. No job is queued for either.
    const columns = 'starts_at, send_group_id, status, severity, labels, annotations, generator_url, first_seen_at, last_seen_at, created_at, updated_at';
    await db.raw(`INSERT INTO alert_events (fingerprint, alertname, ${columns}) SELECT 'sweep0unplanned', 'SweptUnplanned', ${columns} FROM alert_events WHERE id = ?`, [sent.id]);
    const unplanned = await event('SweptUnplanned');

    await a.feishu.waitFor(() => cards(a.feishu, sg.chat).some((m) => m.uuid === 'sweep-test'), 30_000);
    const delivered = async () => (await db('alert_event_messages').where({ event_id: unplanned.id }).where('message_id', 'like', 'om_%')).length === 2;
    await waitFor('the unplanned event planned and sent', delivered, 30_000);
    assert.equal(cards(a.feishu, sg.chat).filter((m) => m.uuid?.startsWith(`ev${unplanned.id}-`)).length, 1);
  });
});
