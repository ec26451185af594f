import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type DecideContext, type EventState } from '../../src/events/transition';
import type { BatchAlert } from '../../src/events/webhook';

const T0 = Date.parse('2026-01-05T01:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

const alert = (over: Partial<BatchAlert> = {}): BatchAlert => ({
  fingerprint: 'abc',
  status: 'firing',
  labels: { alertname: 'HostDown' },
  annotations: { summary: 'down', description_value: '0' },
  startsAt: T0,
  endsAt: null,
  generatorURL: 'http://prom/graph',
  ...over,
});

let ids = 0;
const ctx = (receivedAt: Date, over: Partial<DecideContext> = {}): DecideContext => ({
  receivedAt,
  dedupWindowMs: 60_000,
  repeatIntervalMs: 3_600_000,
  escalates: true,
  newEscalationId: () => `esc${++ids}`,
  ...over,
});

/** The event after `decide` applied `a` at `s` seconds (asserting something changed). */
function apply(state: EventState | undefined, a: BatchAlert, s: number, over: Partial<DecideContext> = {}): EventState {
  const d = decide(state, a, ctx(at(s), over));
  assert.ok(d.next, `expected a change, got ${d.change}`);
  return d.next;
}

describe('alert event transitions', () => {
  test('a new firing alert fires an episode with an escalation id; unescalated groups get none', () => {
    const d = decide(undefined, alert(), ctx(at(0)));
    assert.equal(d.change, 'fired');
    assert.equal(d.created, true);
    assert.deepEqual(d.timeline.map((t) => t.kind), ['fired']);
    assert.equal(d.next?.status, 'firing');
    assert.equal(d.next?.lastNotifiedAt, null, 'waiting for delivery');
    assert.match(d.next?.escalationId ?? '', /^esc\d+$/);
    assert.equal(decide(undefined, alert(), ctx(at(0), { escalates: false })).next?.escalationId, null);
  });

  test('the same alert again within the dedup window with nothing new is a duplicate and changes nothing', () => {
    const s = { ...apply(undefined, alert(), 0), lastNotifiedAt: at(1) };
    const d = decide(s, alert(), ctx(at(20)));
    assert.equal(d.change, 'duplicate');
    assert.equal(d.next, undefined);
    assert.deepEqual(d.timeline, []);
  });

  test('a new value is news even inside the window: repeated, card refreshed, not reposted', () => {
    const s = { ...apply(undefined, alert(), 0), lastNotifiedAt: at(1) };
    const d = decide(s, alert({ annotations: { summary: 'down', description_value: '1' } }), ctx(at(5)));
    assert.equal(d.change, 'repeated');
    assert.equal(d.refresh, true);
    assert.equal(d.next?.repeatCount, 1);
    assert.deepEqual(d.next?.lastNotifiedAt, at(1), 'still the earlier post');
    assert.deepEqual(d.timeline.map((t) => [t.kind, t.detail.count]), [['repeated', 2]]);
  });

  test('after the repeat interval a repeat asks for a fresh post instead of an update', () => {
    const s = { ...apply(undefined, alert(), 0), lastNotifiedAt: at(1) };
    const d = decide(s, alert(), ctx(at(3601)));
    assert.equal(d.change, 'repeated');
    assert.equal(d.refresh, false);
    assert.equal(d.next?.lastNotifiedAt, null);
  });

  test('a repeat before the first delivery only counts: the delivery will post the current state', () => {
    const s = apply(undefined, alert(), 0);
    const d = decide(s, alert(), ctx(at(90)));
    assert.equal(d.change, 'repeated');
    assert.equal(d.refresh, false);
    assert.equal(d.next?.lastNotifiedAt, null);
  });

  test('resolve: status, end time, escalation ended, delivery asked; a second resolve is a duplicate', () => {
    const s = { ...apply(undefined, alert(), 0), lastNotifiedAt: at(1) };
    const endsAt = T0 + 300_000;
    const r = decide(s, alert({ status: 'resolved', endsAt }), ctx(at(301)));
    assert.equal(r.change, 'resolved');
    assert.equal(r.next?.status, 'resolved');
    assert.deepEqual(r.next?.endsAt, new Date(endsAt));
    assert.equal(r.next?.escalationId, null);
    assert.equal(r.next?.lastNotifiedAt, null);
    assert.equal(r.timeline[0]?.detail.lastedMs, 300_000);
    assert.equal(decide(r.next, alert({ status: 'resolved', endsAt }), ctx(at(400))).change, 'duplicate');
  });

  test('an older notification processed after a newer one is stale, and so is the same one run again', () => {
    const s = apply(undefined, alert(), 10);
    assert.equal(decide(s, alert({ status: 'resolved', endsAt: T0 }), ctx(at(5))).change, 'stale');
    assert.equal(decide(s, alert(), ctx(at(10))).change, 'stale');
  });

  test('firing again after resolved (same startsAt) re-fires with a fresh escalation', () => {
    const s = apply(apply(undefined, alert(), 0), alert({ status: 'resolved', endsAt: T0 + 1000 }), 60);
    const d = decide(s, alert(), ctx(at(120)));
    assert.equal(d.change, 'refired');
    assert.equal(d.next?.status, 'firing');
    assert.equal(d.next?.endsAt, null);
    assert.equal(d.next?.escalationLevel, 0);
    assert.notEqual(d.next?.escalationId, null);
    assert.equal(d.next?.repeatCount, 1);
  });

  test('first seen already resolved: stored resolved, both fired and resolved on the timeline', () => {
    const d = decide(undefined, alert({ status: 'resolved', endsAt: T0 + 5000 }), ctx(at(10)));
    assert.equal(d.change, 'resolved');
    assert.equal(d.created, true);
    assert.equal(d.next?.escalationId, null);
    assert.deepEqual(d.timeline.map((t) => t.kind), ['fired', 'resolved']);
  });
});
