import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planBuzz, fallbackKind, type BuzzPlanInput } from '../../src/paging/plan';
import { quietUntil } from '../../src/paging/quiet-hours';
import { groupChannelFor, NO_SETTINGS, notifySettingsSchema, type NotifySettings } from '../../src/paging/model';
import { judgeBuzzFailure } from '../../src/paging/buzz-errors';

const T = Date.parse('2026-12-05T03:00:00Z');
const settings = (s: Partial<NotifySettings>): NotifySettings => ({ ...NO_SETTINGS, ...s });
const input = (over: Partial<BuzzPlanInput>): BuzzPlanInput => ({ purpose: 'alert', severity: 'critical', policy: 'buzz_app', settings: NO_SETTINGS, nowMs: T, ...over });

describe('paging plan', { timeout: 10_000 }, () => {
  test('a send group that asks for an app buzz on critical buzzes at once; chat is no buzz', () => {
    assert.deepEqual(planBuzz(input({})), { kind: 'app', dueAtMs: T, why: [] });
    assert.equal(planBuzz(input({ policy: 'chat' })), null);
    assert.equal(groupChannelFor({ critical: 'buzz_app' }, 'CRITICAL'), 'buzz_app');
    assert.equal(groupChannelFor({ critical: 'buzz_app' }, 'warning'), 'chat');
    assert.equal(groupChannelFor({ critical: 'phone', default: 'buzz_app' }, undefined), 'buzz_app');
  });

  test("a person's rule replaces an alert's channel, delays it, and cannot page where the group does not", () => {
    const s = settings({ rules: { critical: { channel: 'phone', delayMinutes: 2 }, warning: { channel: 'chat', delayMinutes: 0 } } });
    assert.deepEqual(planBuzz(input({ settings: s })), { kind: 'phone', dueAtMs: T + 120_000, why: ['rule:phone', 'delay:2m'] });
    assert.equal(planBuzz(input({ settings: s, severity: 'warning' })), null);
    assert.equal(planBuzz(input({ settings: s, severity: 'warning', policy: 'chat' })), null);
  });

  test('an escalation level is a floor: a rule may raise it, not lower it', () => {
    const low = settings({ rules: { default: { channel: 'chat', delayMinutes: 0 } } });
    assert.equal(planBuzz(input({ purpose: 'escalation', policy: 'phone', settings: low }))?.kind, 'phone');
    const high = settings({ rules: { default: { channel: 'sms', delayMinutes: 0 } } });
    assert.equal(planBuzz(input({ purpose: 'escalation', policy: 'buzz_app', settings: high }))?.kind, 'sms');
    assert.equal(planBuzz(input({ purpose: 'responder', policy: 'buzz_app', severity: 'info', settings: low }))?.kind, 'app');
  });

  test('quiet hours put off non-critical buzzes to their end, in the person zone; critical overrides unless turned off', () => {
    // 03:00 UTC is 11:00 in Shanghai (not quiet) and 04:00 in Berlin (quiet 22:00–07:00).
    const berlin = settings({ timezone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00' } });
    const warn = planBuzz(input({ severity: 'warning', settings: berlin }))!;
    assert.equal(new Date(warn.dueAtMs).toISOString(), '2026-12-05T06:00:00.000Z');
    assert.deepEqual(planBuzz(input({ settings: berlin }))?.why, ['critical-overrides-quiet']);
    assert.equal(planBuzz(input({ settings: { ...berlin, criticalOverridesQuiet: false } }))?.dueAtMs, Date.parse('2026-12-05T06:00:00Z'));
    const shanghai = settings({ timezone: 'Asia/Shanghai', quietHours: { start: '22:00', end: '07:00' } });
    assert.equal(planBuzz(input({ severity: 'warning', settings: shanghai }))?.dueAtMs, T);
  });

  test('quiet hours: same-day windows, overnight windows before and after midnight, DST end', () => {
    const q = { start: 22 * 60, end: 7 * 60, timeZone: 'UTC' };
    assert.equal(quietUntil(q, Date.parse('2026-12-05T23:30:00Z')), Date.parse('2026-12-06T07:00:00Z'));
    assert.equal(quietUntil(q, Date.parse('2026-12-05T06:59:00Z')), Date.parse('2026-12-05T07:00:00Z'));
    assert.equal(quietUntil(q, Date.parse('2026-12-05T07:00:00Z')), null);
    assert.equal(quietUntil({ start: 12 * 60, end: 13 * 60, timeZone: 'UTC' }, Date.parse('2026-12-05T12:10:00Z')), Date.parse('2026-12-05T13:00:00Z'));
    assert.equal(quietUntil({ start: 12 * 60, end: 13 * 60, timeZone: 'UTC' }, Date.parse('2026-12-05T13:10:00Z')), null);
    // Berlin, night of the autumn change (2026-10-25): 07:00 local is 06:00 UTC (CET), not 05:00.
    const berlin = { start: 22 * 60, end: 7 * 60, timeZone: 'Europe/Berlin' };
    assert.equal(quietUntil(berlin, Date.parse('2026-10-24T23:00:00Z')), Date.parse('2026-10-25T06:00:00Z'));
  });

  test('settings validation: HH:MM, start ≠ end, delays bounded', () => {
    assert.equal(notifySettingsSchema.safeParse({ quietHours: { start: '24:00', end: '07:00' } }).success, false);
    assert.equal(notifySettingsSchema.safeParse({ quietHours: { start: '07:00', end: '07:00' } }).success, false);
    assert.equal(notifySettingsSchema.safeParse({ rules: { critical: { channel: 'pager' } } }).success, false);
    assert.equal(notifySettingsSchema.safeParse({ rules: { critical: { channel: 'sms', delayMinutes: 121 } } }).success, false);
    assert.deepEqual(notifySettingsSchema.parse({ rules: { critical: { channel: 'sms' } } }).rules, { critical: { channel: 'sms', delayMinutes: 0 } });
  });
});

describe('buzz error verdicts', { timeout: 10_000 }, () => {
  const f = (feishuCode: number | null, httpStatus: number | null = 400, retryable = false) => ({ feishuCode, httpStatus, retryable });
  test('refusals tied to the kind fall back to an app buzz; an app buzz has nothing to fall back to', () => {
    assert.deepEqual(judgeBuzzFailure(f(230024), 'phone'), { outcome: 'quota', fallback: true, retry: false });
    assert.deepEqual(judgeBuzzFailure(f(99991672), 'sms'), { outcome: 'no_scope', fallback: true, retry: false });
    assert.deepEqual(judgeBuzzFailure(f(230024), 'app'), { outcome: 'quota', fallback: false, retry: false });
    assert.equal(fallbackKind('phone'), 'app');
    assert.equal(fallbackKind('app'), null);
  });
  test('refusals tied to the person or the message are final for every kind', () => {
    for (const [code, outcome] of [
      [230023, 'unread_cap'],
      [230012, 'not_buzzable'],
      [230110, 'not_buzzable'],
      [230052, 'no_permission'],
      [230013, 'unreachable'],
      [230002, 'unreachable'],
    ] as const) {
      assert.deepEqual(judgeBuzzFailure(f(code), 'phone'), { outcome, fallback: false, retry: false }, String(code));
    }
  });
  test('rate limits and outages are retried; unknown permanent errors are failures', () => {
    assert.deepEqual(judgeBuzzFailure(f(99991400, 429, true), 'app'), { outcome: 'rate_limited', retry: true, fallback: false });
    assert.deepEqual(judgeBuzzFailure(f(null, null, true), 'app'), { outcome: 'failed', retry: true, fallback: false });
    assert.deepEqual(judgeBuzzFailure(f(999, 400, false), 'app'), { outcome: 'failed', retry: false, fallback: false });
  });
});
