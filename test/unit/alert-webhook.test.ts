import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { firstStep, nextStep } from '../../src/events/escalation-steps';
import { notificationKey, parseWebhook, toBatch } from '../../src/events/webhook';
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
