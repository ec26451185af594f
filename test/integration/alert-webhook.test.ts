import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { parseWebhook, toBatch } from '../../src/events/webhook';
import { ALERT_BATCH } from '../../src/queue/notification-queue';
import { cards, newFingerprint, postWebhook, sendGroup, settled, startAlertApp, templateOf, textOf, webhookBody, type AlertTestApp } from '../support/alerts';
import { REDIS_URL } from '../support/env';

const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/alertmanager-0.25/${name}.json`, 'utf8'));

describe('the Alertmanager webhook', () => {
  let a: AlertTestApp;
  before(async () => {
    a = await startAlertApp();
  });
  after(() => a.close());

  const events = () => a.t.app.db('alert_events').orderBy('id');

  test('needs the webhook bearer token (not the admin one)', async () => {
    const body = webhookBody([{}]);
    for (const token of [null, 'wrong-token-123', 'test-api-token']) {
      const r = await postWebhook(a.t, body, token);
      assert.equal(r.status, 401, String(token));
      assert.equal(r.body.error.code, 'unauthorized');
    }
    assert.equal((await events()).length, 0);
  });

  test('a bad body is a 400 naming the field; a body over the limit is a 413', async () => {
    const body = webhookBody([{}]);
    (body.alerts[0] as any).startsAt = 'soon';
    const bad = await postWebhook(a.t, body);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'alerts[0].startsAt');
    assert.match(bad.body.error.message, /alerts\[0\]\.startsAt/);
    assert.equal((await postWebhook(a.t, '{"version":')).status, 400);
    const proto = await postWebhook(a.t, JSON.stringify(webhookBody([{}])).replace('"labels":{', '"labels":{"__proto__":"x",'));
    assert.equal(proto.status, 400);
    const huge = webhookBody(Array.from({ length: 3000 }, () => ({ annotations: { description: 'x'.repeat(400) } })));
    const tooBig = await postWebhook(a.t, huge);
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.error.code, 'payload_too_large');
  });

  test('issue 13: a time the database cannot store, or not RFC 3339, is a 400 naming the field, and nothing is queued', { timeout: 30_000 }, async () => {
    const cases: [string, string][] = [['startsAt', '+010000-01-01T00:00:00Z'], ['startsAt', '1'], ['startsAt', 'May 1, 2024'], ['startsAt', '0999-01-01T00:00:00Z'], ['endsAt', '+010000-01-01T00:00:00Z']];
    for (const [field, value] of cases) {
      const body = webhookBody([{ name: 'BadTime' }, { name: 'BadTime' }]);
      (body.alerts[1] as any)[field] = value;
      const r = await postWebhook(a.t, body);
      assert.equal(r.status, 400, `${field} ${value}`);
      assert.equal(r.body.error.code, 'validation_failed');
      assert.deepEqual(r.body.error.details.map((d: any) => d.path), [`alerts[1].${field}`]);
    }
    await settled(a.t);
    assert.equal((await a.t.app.db('alert_events').where({ alertname: 'BadTime' })).length, 0);
  });

  test('issue 13: a lone UTF-16 surrogate in a label is stored as U+FFFD, with the notification queued beside it', { timeout: 30_000 }, async () => {
    const body = webhookBody([{ name: 'Surrogate' }]);
    const text = JSON.stringify(body).replace('"instance":"10.0.0.1:9100"', '"instance":"10.0.0.1:9100\\ud800","\\udc00":"x"');
    const other = webhookBody([{ name: 'Beside' }]);
    const [r, beside] = await Promise.all([postWebhook(a.t, text), postWebhook(a.t, other)]);
    assert.deepEqual([r.status, beside.status], [200, 200]);
    await settled(a.t);
    const [e] = await a.t.app.db('alert_events').where({ alertname: 'Surrogate' });
    assert.ok(e, 'stored');
    const labels = typeof e.labels === 'string' ? JSON.parse(e.labels) : e.labels;
    assert.equal(labels.instance, '10.0.0.1:9100\ufffd');
    assert.equal(labels['\ufffd'], 'x');
    assert.equal((await a.t.app.db('alert_events').where({ alertname: 'Beside' })).length, 1);
  });

  test('issue 13: fingerprints that differ only in case are one episode, as the unique index sees them, not a duplicate key for ever', { timeout: 30_000 }, async () => {
    const fingerprint = newFingerprint();
    await postWebhook(a.t, webhookBody([{ name: 'CaseFold', fingerprint }]));
    await settled(a.t);
    assert.equal((await postWebhook(a.t, webhookBody([{ name: 'CaseFold', fingerprint: fingerprint.toUpperCase(), annotations: { summary: 'changed' } }]))).status, 200);
    await settled(a.t);
    const rows = await a.t.app.db('alert_events').where({ alertname: 'CaseFold' });
    assert.deepEqual(rows.map((e: any) => [e.fingerprint, e.repeat_count]), [[fingerprint, 1]]);
    assert.equal((await a.t.app.db('alert_dead_letters')).length, 0);
  });

  test('no default send group and an unknown send_group: the event is stored, nothing is sent', async () => {
    const r = await postWebhook(a.t, webhookBody([{ sendGroup: 999, name: 'Lonely' }]));
    assert.equal(r.status, 200);
    await settled(a.t);
    const [e] = await a.t.app.db('alert_events').where({ alertname: 'Lonely' });
    assert.equal(e.send_group_id, null);
    assert.equal(e.status, 'firing');
    assert.equal((await a.t.app.db('alert_event_messages').where({ event_id: e.id })).length, 0);
    assert.equal(a.feishu.messages().length, 0);
  });

  test('real Alertmanager 0.25 bodies: unknown send_group "7" goes to the default group; resolve turns the card green', async () => {
    const def = await sendGroup(a, 'default', { isDefault: true });
    for (const name of ['webhook-firing-a', 'webhook-firing-b']) assert.equal((await postWebhook(a.t, fixture(name))).status, 200);
    // Each body has its own groupKey (grouped by alertname and instance): two alert groups, two cards.
    await a.feishu.waitFor(() => cards(a.feishu, def.chat).length === 2 && cards(a.feishu, 'ou_alice').length === 2);
    // Both are critical: the default paging buzzes each private card. Let those finish first, so the
    // timeline's order does not depend on whether a buzz or the resolve is stored first.
    await a.feishu.waitFor(() => cards(a.feishu, 'ou_alice').every((m) => (m.buzzes ?? []).length === 1));
    await settled(a.t); // the buzz jobs (paging queue) too
    assert.equal((await postWebhook(a.t, fixture('webhook-resolved-b'))).status, 200);
    await settled(a.t);

    // Two notifications may be stored by two workers at once: their ids come in either order.
    const rows = await a.t.app.db('alert_events').where({ alertname: 'HostDown' }).orderBy('fingerprint');
    assert.deepEqual(
      rows.map((e: any) => [e.fingerprint, e.status, e.send_group_id, e.rule_id, e.severity]),
      [
        ['2894c2828995debf', 'firing', def.id, null, 'critical'],
        ['99a2bec46821f570', 'resolved', def.id, null, 'critical'],
      ],
    );
    assert.equal(rows[1].ends_at.toISOString(), '2026-11-22T01:32:25.000Z');
    assert.equal(rows[0].starts_at.toISOString(), '2026-11-22T01:32:18.136Z');
    const posted = cards(a.feishu, def.chat);
    assert.notEqual(rows[0].group_id, rows[1].group_id, 'two alert groups');
    assert.equal(posted.length, 2);
    const cardOf = (e: any) => posted.find((c) => c.uuid?.startsWith(`gp${e.group_id}-g-`));
    const cardA = cardOf(rows[0]);
    const cardB = cardOf(rows[1]);
    assert.ok(cardA && cardB, 'one card per alert group');
    assert.equal(templateOf(cardA), 'red');
    assert.match(textOf(cardA), new RegExp(`#${rows[0].id} `), 'the firing alert is listed on its group card');
    assert.equal(templateOf(cardB), 'green', 'the resolved group card was patched green');
    assert.match(textOf(cardB), new RegExp(`#${rows[1].id} `), 'the resolved alert is listed on its group card');
    assert.match(textOf(cardA), /<at id=ou_alice><\/at>/, 'the person on call is mentioned');
    const replies = a.feishu.messagesFor(def.chat).filter((m) => m.parent_id);
    assert.deepEqual(replies.map((m) => m.parent_id), [cardB.message_id], 'one reply, under the resolved group\'s card');
    assert.match(JSON.stringify(replies[0]!.content), /The 1 alert of this group resolved after 6s/);
    const kinds = (e: any) => a.t.app.db('event_timeline').where({ event_id: e.id }).orderBy('id').pluck('kind');
    // Critical: the default paging ({critical: buzz_app}) buzzed each private card before the resolve.
    assert.deepEqual(await kinds(rows[0]), ['fired', 'buzzed']);
    assert.deepEqual(await kinds(rows[1]), ['fired', 'buzzed', 'resolved']);
    // Where and when it was notified is the outbox's record: the message of each copy, sent after it was planned.
    const copies = await a.t.app.db('alert_event_messages').where({ event_id: rows[1].id }).orderBy('channel');
    assert.deepEqual(copies.map((c: any) => [c.channel, c.message_id.slice(0, 3)]), [['group', 'om_'], ['private', 'om_']]);
    assert.ok(copies.every((c: any) => c.updated_at.getTime() >= c.created_at.getTime()));
  });

  test('the same notification twice (HA replicas, retries) is one event and one card', async () => {
    const sg = await sendGroup(a, 'dedup');
    const body = webhookBody([{ sendGroup: sg.id, name: 'Twice' }]);
    const first = await postWebhook(a.t, body);
    const second = await postWebhook(a.t, body);
    assert.deepEqual([first.status, first.body.status, second.status, second.body.status], [200, 'accepted', 200, 'duplicate']);
    assert.equal(second.body.jobId, first.body.jobId);
    await settled(a.t);
    assert.equal((await a.t.app.db('alert_events').where({ alertname: 'Twice' })).length, 1);
    assert.equal(cards(a.feishu, sg.chat).length, 1);
    assert.equal(cards(a.feishu, 'ou_alice').filter((m) => textOf(m).includes('Twice')).length, 1);
  });

  test('a copy that slips past the queue (a later arrival, same content) changes nothing at all', async () => {
    const sg = await sendGroup(a, 'slipped');
    const body = webhookBody([{ sendGroup: sg.id, name: 'Slipped' }]);
    await postWebhook(a.t, body);
    await settled(a.t);
    const before = await a.t.app.db('alert_events').where({ alertname: 'Slipped' }).first();
    const timeline = await a.t.app.db('event_timeline').where({ event_id: before.id }).count({ n: '*' }).first();
    const queue = new Queue('alerts', { connection: { url: REDIS_URL }, prefix: a.t.app.settings.redisPrefix });
    await queue.add(ALERT_BATCH, { notifications: [{ batch: toBatch(parseWebhook(body), new Date(Date.now() + 5000)) }] });
    await queue.close();
    await settled(a.t);
    assert.deepEqual(await a.t.app.db('alert_events').where({ alertname: 'Slipped' }).first(), before);
    assert.deepEqual(await a.t.app.db('event_timeline').where({ event_id: before.id }).count({ n: '*' }).first(), timeline);
    assert.equal(cards(a.feishu, sg.chat).length, 1);
  });

  test('metrics count alerts, notifications and what they changed', async () => {
    const text = (await a.t.api('GET', '/metrics')).body as string;
    assert.match(text, /promduty_alerts_received_total\{status="firing"\} \d+/);
    assert.match(text, /promduty_alert_webhooks_total\{outcome="duplicate"\} 1/);
    assert.match(text, /promduty_alert_events_processed_total\{change="duplicate"\} 1/);
    assert.match(text, /promduty_feishu_requests_total\{op="send",outcome="ok"\} \d+/);
  });
});
