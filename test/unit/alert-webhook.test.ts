import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { firstStep, nextStep } from '../../src/events/escalation-steps';
import { notificationKey, parseRfc3339, parseWebhook, toBatch, toWebhookBody } from '../../src/events/webhook';
import type { AlertDestination } from '../../src/routing/alert-destination';

const FIXTURES = 'test/fixtures/alertmanager-0.25';
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}.json`, 'utf8'));
const RECEIVED = new Date('2026-11-22T01:33:00Z');

describe('Alertmanager webhook payload', () => {
  test('real Alertmanager 0.25 bodies parse; nanoseconds cut to milliseconds; year-1 endsAt is "not ended"', () => {
    const firing = toBatch(parseWebhook(fixture('webhook-firing-a')), RECEIVED);
    assert.equal(firing.alerts[0]?.startsAt, Date.parse('2026-11-22T01:32:18.136Z'));
    assert.equal(firing.alerts[0]?.endsAt, null);
    assert.equal(firing.receivedAt, RECEIVED.getTime());
    const resolved = toBatch(parseWebhook(fixture('webhook-resolved-b')), RECEIVED);
    assert.equal(resolved.alerts[0]?.endsAt, Date.parse('2026-11-22T01:32:25Z'));
    assert.equal(resolved.alerts[0]?.fingerprint, '99a2bec46821f570');
  });

  test('a bad body is refused naming the field', () => {
    const body = fixture('webhook-firing-a');
    const cases: [(b: any) => void, string][] = [
      [(b) => (b.version = '3'), 'version'],
      [(b) => delete b.alerts[0].fingerprint, 'alerts[0].fingerprint'],
      [(b) => (b.alerts[0].startsAt = 'yesterday'), 'alerts[0].startsAt'],
      [(b) => (b.alerts[0].labels.job = 5), 'alerts[0].labels.job'],
      [(b) => (b.alerts = []), 'alerts'],
      [(b) => (b.alerts[0].status = 'pending'), 'alerts[0].status'],
      [(b) => (b.alerts[0].annotations.summary = null), 'alerts[0].annotations.summary'],
      [(b) => (b.alerts[0].labels = ['x']), 'alerts[0].labels'],
      [(b) => (b.alerts[0].endsAt = 7), 'alerts[0].endsAt'],
      [(b) => (b.alerts[0].fingerprint = 'not/hex'), 'alerts[0].fingerprint'],
      [(b) => (b.alerts[0].generatorURL = 'x'.repeat(4097)), 'alerts[0].generatorURL'],
      [(b) => (b.alerts[1] = 'alert'), 'alerts[1]'],
      [(b) => (b.truncatedAlerts = -1), 'truncatedAlerts'],
      [(b) => (b.groupKey = ''), 'groupKey'],
      [(b) => delete b.receiver, 'receiver'],
      [(b) => (b.commonLabels = 'x'), 'commonLabels'],
    ];
    for (const [mutate, path] of cases) {
      const b = structuredClone(body);
      mutate(b);
      assert.throws(() => parseWebhook(b), (e: any) => e.code === 'validation_failed' && e.details[0].path === path && e.message.includes(path), path);
    }
    assert.throws(() => parseWebhook([body]), (e: any) => e.details[0].path === '(root)');
    const two = structuredClone(body);
    two.version = '3';
    two.alerts[0].startsAt = 'soon';
    assert.throws(() => parseWebhook(two), (e: any) => e.details.map((d: any) => d.path).join() === 'version,alerts[0].startsAt', 'every problem is listed');
  });

  test('times are RFC 3339 within what the database stores; anything else is refused naming the field (issue 13)', { timeout: 10_000 }, () => {
    const refused: [string, string][] = [
      ['startsAt', '+010000-01-01T00:00:00Z'], // Date.parse takes it; MariaDB refuses it after the 200
      ['startsAt', '1'],
      ['startsAt', 'May 1, 2024'],
      ['startsAt', '2024-02-30T00:00:00Z'], // Date.parse makes it March 1st
      ['startsAt', '2023-02-29T00:00:00Z'],
      ['startsAt', '2024-01-01T24:00:00Z'],
      ['startsAt', '2024-01-01T00:00:60Z'],
      ['startsAt', '2024-01-01T00:00:00+24:00'],
      ['startsAt', '2024-01-01 00:00:00Z'],
      ['startsAt', '2024-01-01T00:00Z'],
      ['startsAt', '2024-01-01T00:00:00'],
      ['startsAt', '0999-12-31T23:59:59.999Z'],
      ['startsAt', '9999-12-31T23:30:00-01:00'], // 10000-01-01 in UTC
      ['startsAt', '0001-01-01T00:00:00Z'],
      ['endsAt', '+010000-01-01T00:00:00Z'],
      ['endsAt', 'tomorrow'],
      ['endsAt', '9999-12-31T23:30:00-01:00'],
    ];
    for (const [field, value] of refused) {
      const b = fixture('webhook-resolved-b');
      b.alerts[0][field] = value;
      const path = `alerts[0].${field}`;
      assert.throws(() => parseWebhook(b), (e: any) => e.code === 'validation_failed' && e.details[0].path === path && e.message.includes(path), `${field} ${value}`);
    }
    const accepted: [string, string, number | null][] = [
      ['startsAt', '1000-01-01T00:00:00Z', Date.UTC(1000, 0, 1)],
      ['startsAt', '9999-12-31T23:59:59.999999999Z', Date.UTC(9999, 11, 31, 23, 59, 59, 999)],
      ['startsAt', '2024-02-29T08:00:00+08:00', Date.UTC(2024, 1, 29)],
      ['startsAt', '2024-01-01t00:00:00.5z', Date.UTC(2024, 0, 1, 0, 0, 0, 500)],
      ['endsAt', '0001-01-01T00:00:00Z', null], // Alertmanager's zero time: not ended
      ['endsAt', '9999-12-31T23:59:59Z', Date.UTC(9999, 11, 31, 23, 59, 59)],
    ];
    for (const [field, value, ms] of accepted) {
      const b = fixture('webhook-resolved-b');
      b.alerts[0][field] = value;
      assert.equal(parseWebhook(b).alerts[0]![field as 'startsAt' | 'endsAt'], ms, `${field} ${value}`);
    }
    assert.ok(Number.isNaN(parseRfc3339('2024-01-01T00:00:00.Z')));
  });

  test('a lone UTF-16 surrogate anywhere becomes U+FFFD instead of failing the store after the 200 (issue 13)', { timeout: 10_000 }, () => {
    const b = fixture('webhook-firing-a');
    b.alerts[0].labels.instance = 'host\ud800';
    b.alerts[0].labels['x\udfff'] = 'fine';
    b.alerts[0].annotations.summary = '\udc00 down \ud83d\ude00';
    b.alerts[0].generatorURL = 'http://prom/\ud800';
    b.groupKey = '{}:{a="\udbff"}';
    const a = parseWebhook(JSON.parse(JSON.stringify(b)));
    assert.equal(a.alerts[0]!.labels.instance, 'host\ufffd');
    assert.equal(a.alerts[0]!.labels['x\ufffd'], 'fine');
    assert.equal(a.alerts[0]!.annotations.summary, '\ufffd down 😀', 'a proper surrogate pair stays');
    assert.equal(a.alerts[0]!.generatorURL, 'http://prom/\ufffd');
    assert.equal(a.groupKey, '{}:{a="\ufffd"}');
    for (const s of [...Object.keys(a.alerts[0]!.labels), ...Object.values(a.alerts[0]!.labels), a.groupKey]) assert.ok(s.isWellFormed());
    const clean = fixture('webhook-firing-a');
    assert.equal(parseWebhook(clean).alerts[0]!.labels, clean.alerts[0].labels, 'well-formed maps are taken as they are');
  });

  test('toWebhookBody gives back a body that reads to the same notification', { timeout: 10_000 }, () => {
    for (const name of ['webhook-firing-a', 'webhook-resolved-b']) {
      const payload = parseWebhook(fixture(name));
      assert.deepEqual(parseWebhook(toWebhookBody(payload)), payload);
    }
    const far = { ...parseWebhook(fixture('webhook-firing-a')) };
    far.alerts = [{ ...far.alerts[0]!, startsAt: Date.parse('+010000-01-01T00:00:00Z') }];
    assert.equal(toWebhookBody(far).alerts[0]!.startsAt, '+010000-01-01T00:00:00.000Z', 'kept as it was, for the replay to refuse');
  });

  test('the notification key ignores alert order and arrival time, and sees state and values', () => {
    const body = fixture('webhook-firing-a');
    body.alerts.push({ ...body.alerts[0], fingerprint: 'ffff0000aaaa1111', labels: { ...body.alerts[0].labels, instance: 'x:1' } });
    const key = notificationKey(toBatch(parseWebhook(body), RECEIVED));
    const reversed = { ...body, alerts: [...body.alerts].reverse() };
    assert.equal(notificationKey(toBatch(parseWebhook(reversed), new Date())), key);
    const resolved = structuredClone(body);
    resolved.alerts[0].status = 'resolved';
    resolved.alerts[0].endsAt = '2026-11-22T01:40:00Z';
    assert.notEqual(notificationKey(toBatch(parseWebhook(resolved), RECEIVED)), key);
    const newValue = structuredClone(body);
    newValue.alerts[0].annotations.description_value = '1';
    assert.notEqual(notificationKey(toBatch(parseWebhook(newValue), RECEIVED)), key);
  });
});

describe('escalation steps', () => {
  const user = (id: number) => ({ id, name: `u${id}`, openId: `ou_${id}` });
  const dest = {
    escalation: { enabled: true, levels: [{ level: 1, afterMinutes: 10, users: [user(1)] }, { level: 2, afterMinutes: 30, users: [user(2), user(3)] }] },
  } as AlertDestination;
  const seen = new Date('2026-01-01T00:00:00Z');

  test('levels are due their afterMinutes after the alert was first seen; the chain is a snapshot', () => {
    const first = firstStep({ eventId: 7, escalationId: 'abc', sendGroupId: 3, firstSeenAt: seen }, dest, 60_000)!;
    assert.equal(first.dueAt - seen.getTime(), 10 * 60_000);
    const second = nextStep(first, 60_000)!;
    assert.deepEqual([second.level, second.dueAt - seen.getTime()], [2, 30 * 60_000]);
    assert.equal(nextStep(second, 60_000), null);
    dest.escalation.levels[0]!.users.push(user(9));
    assert.deepEqual(first.levels[0]?.users.map((u) => u.id), [1], 'later edits do not reach a running escalation');
  });

  test('no escalation id or no levels: nothing to schedule', () => {
    assert.equal(firstStep({ eventId: 7, escalationId: null, sendGroupId: 3, firstSeenAt: seen }, dest, 60_000), null);
    const off = { escalation: { enabled: false, levels: dest.escalation.levels } } as AlertDestination;
    assert.equal(firstStep({ eventId: 7, escalationId: 'x', sendGroupId: 3, firstSeenAt: seen }, off, 60_000), null);
  });
});
