import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CARD_MAX_BYTES, cardBytes } from '../../src/cards/card';
import { groupCard } from '../../src/cards/group-card';
import { groupDigestCard } from '../../src/cards/group-digest-card';
import { groupNoticeCard } from '../../src/cards/group-notice-card';
import { commonLabels, differingLabels, summariseLabel, type AlertGroupView, type GroupAlertView } from '../../src/cards/group-parts';
import { parseSilenceLength } from '../../src/events/silence-duration';
import { alertmanagerLink, prometheusLink } from '../../src/events/group-view';
import { assertGoldenJsonIn } from '../support/golden';
import { LOCALES } from '../../src/i18n';

const now = new Date('2026-05-10T03:00:00Z');
const ago = (min: number) => new Date(now.getTime() - min * 60_000);

const alerts = (n: number, over: Partial<GroupAlertView> = {}): GroupAlertView[] =>
  Array.from({ length: n }, (_, i) => ({
    id: 1000 + i,
    status: 'firing' as const,
    severity: 'critical',
    labels: { alertname: 'CpuStorm', instance: `10.0.0.${i % 40}:9100`, cpu: String(Math.floor(i / 40)), severity: 'critical', job: 'node', rule_id: '7', send_group: '3', promduty_pool: 'main' },
    firstSeenAt: ago(30),
    lastSeenAt: ago(1),
    resolvedAt: null,
    count: 3,
    claimedBy: null,
    silencedUntil: null,
    ...over,
  }));

const group = (over: Partial<AlertGroupView> = {}): AlertGroupView => ({
  id: 12,
  alertname: 'CpuStorm',
  status: 'firing',
  sendGroupName: 'infra',
  groupLabels: { alertname: 'CpuStorm' },
  alerts: alerts(200),
  annotations: { summary: 'CPU is saturated', runbook_url: 'https://runbooks.example/cpu', dashboard: 'https://grafana.example/d/cpu' },
  firstSeenAt: ago(30),
  lastSeenAt: ago(1),
  resolvedAt: null,
  resolvedBy: null,
  acknowledgedBy: null,
  acknowledgedAt: null,
  silencedBy: null,
  silencedUntil: null,
  silenceUrl: null,
  escalationLevel: 0,
  responders: [],
  prometheusUrl: 'https://prometheus.example/graph?g0.expr=cpu',
  alertmanagerUrl: 'https://am.example/#/alerts?filter=%7Balertname%3D%22CpuStorm%22%7D',
  grafanaUrl: null,
  timeline: [],
  ...over,
});

const base = { timezone: 'Asia/Shanghai', now, withButtons: true, oncall: { name: 'ada', openId: 'ou_ada' }, locale: 'en' as const };

describe('alert group cards', () => {
  test('labels: common once, differing summarised, internal hidden (but matchable)', () => {
    const a = alerts(200);
    assert.deepEqual(commonLabels(a), { alertname: 'CpuStorm', job: 'node', severity: 'critical' });
    assert.deepEqual(Object.keys(commonLabels(a, true)).sort(), ['alertname', 'job', 'promduty_pool', 'rule_id', 'send_group', 'severity']);
    assert.deepEqual(differingLabels(a), ['cpu', 'instance']);
    assert.equal(summariseLabel('en', 'instance', a), 'instance: 40 values');
    assert.equal(summariseLabel('en', 'cpu', a), 'cpu: 0–4');
    assert.equal(summariseLabel('en', 'job', a), 'job: node');
    assert.equal(summariseLabel('zh-CN', 'instance', a), 'instance：40 个值');
    assert.equal(summariseLabel('zh-CN', 'cpu', a), 'cpu：0–4');
    assert.equal(summariseLabel('zh-CN', 'job', a), 'job：node');
  });

  test('the group card of a 200-alert group (golden): counts, differing labels per alert, links, actions; fits Feishu', () => {
    const c = groupCard({ ...base, group: group() });
    assertGoldenJsonIn('en', 'cards/group-firing.json', c);
    assertGoldenJsonIn('zh-CN', 'cards/group-firing.json', groupCard({ ...base, locale: 'zh-CN', group: group() }));
    assert.ok(cardBytes(c) <= CARD_MAX_BYTES);
    const s = JSON.stringify(c);
    assert.match(s, /instance: 40 values/);
    assert.doesNotMatch(s, /rule_id|send_group|promduty_pool/);
    for (const a of ['g_ack', 'g_take', 'g_resolve', 'g_escalate', 'g_silence', 'g_note', 'g_responder']) assert.match(s, new RegExp(`"a":"${a}"`));
    assert.match(s, /runbooks\.example/);
    const huge = JSON.stringify(groupCard({ ...base, group: group({ alerts: alerts(1000) }) }));
    assert.match(huge, /more alerts: `\/group 12`/, 'alerts past the size limit stay reachable');
  });

  test("a firing group's card offers its remediation actions as Run buttons on its first firing alert; a resolved one does not", () => {
    const actions = { eventId: 1000, list: [{ id: 4, name: 'drain' }], locale: 'en' as const };
    const s = JSON.stringify(groupCard({ ...base, locale: 'en', group: group({ alerts: alerts(3) }), actions }));
    assert.match(s, /Run: drain/);
    assert.match(s, /"a":"remedy","e":1000,"x":4/);
    const resolved = group({ alerts: alerts(3, { status: 'resolved', resolvedAt: ago(2) }), status: 'resolved', resolvedAt: ago(2) });
    assert.doesNotMatch(JSON.stringify(groupCard({ ...base, locale: 'en', group: resolved, actions })), /Run: drain/);
    assert.doesNotMatch(JSON.stringify(groupCard({ ...base, locale: 'en', group: group({ alerts: alerts(3) }), withButtons: false, actions })), /Run: drain/);
  });

  for (const locale of LOCALES) {
    test(`acknowledged, silenced, escalated, resolved-by-hand and resolved group cards (golden, ${locale})`, () => {
      const b = { ...base, locale };
      const ada = { name: 'ada', openId: 'ou_ada' };
      const acked = group({ alerts: alerts(3, { claimedBy: ada }), acknowledgedBy: ada, acknowledgedAt: ago(5), timeline: [{ at: ago(5), actor: 'ada', kind: 'acknowledged', detail: { alerts: 3 } }, { at: ago(4), actor: 'ada', kind: 'note', detail: { text: 'rebooting' } }] });
      assertGoldenJsonIn(locale, 'cards/group-acknowledged.json', groupCard({ ...b, group: acked }));
      const until = new Date(now.getTime() + 4 * 3_600_000);
      const silenced = group({ alerts: alerts(3, { silencedUntil: until }), silencedBy: ada, silencedUntil: until, silenceUrl: 'https://am.example/#/silences/abc' });
      const s = groupCard({ ...b, group: silenced });
      assertGoldenJsonIn(locale, 'cards/group-silenced.json', s);
      if (locale === 'en') assert.match(JSON.stringify(s), /Silenced by:\*\* ada until 05-10 15:00 · \[silence in Alertmanager\]/);
      else assert.match(JSON.stringify(s), /屏蔽人：\*\*ada，屏蔽至 05-10 15:00 · \[Alertmanager 中的屏蔽\]/);
      assertGoldenJsonIn(locale, 'cards/group-escalation.json', groupCard({ ...b, group: group({ alerts: alerts(3), escalationLevel: 1 }), escalation: { level: 1, unacknowledgedMinutes: 5 } }));
      assertGoldenJsonIn(locale, 'cards/group-resolved-by-hand.json', groupCard({ ...b, group: group({ alerts: alerts(3), status: 'resolved', resolvedBy: ada, resolvedAt: now }) }));
      assertGoldenJsonIn(locale, 'cards/group-resolved.json', groupCard({ ...b, group: group({ alerts: alerts(3, { status: 'resolved', resolvedAt: ago(2) }), status: 'resolved', resolvedAt: ago(2) }) }));
    });

    test(`storm digest and group notices (golden, ${locale})`, () => {
      const b = { ...base, locale };
      const groups = Array.from({ length: 8 }, (_, i) => group({ id: 20 + i, alertname: `Storm${i}`, alerts: alerts(100) }));
      assertGoldenJsonIn(locale, 'cards/group-storm-digest.json', groupDigestCard({ ...b, sendGroupName: 'infra', groups }));
      const g = group({ alerts: alerts(200, { status: 'resolved', resolvedAt: ago(1) }), status: 'resolved', resolvedAt: ago(1) });
      assertGoldenJsonIn(locale, 'cards/group-notice-resolved.json', groupNoticeCard({ kind: 'group-resolved' }, g, now, locale));
      assertGoldenJsonIn(locale, 'cards/group-notice-escalated.json', groupNoticeCard({ kind: 'group-escalated', level: 1, users: [{ name: 'bob', openId: 'ou_bob' }] }, group(), now, locale));
      assertGoldenJsonIn(locale, 'cards/group-notice-action.json', groupNoticeCard({ kind: 'group-action', text: 'ada acknowledged CpuStorm (200 alerts)' }, group(), now, locale));
    });
  }

  test('a storm digest as planned (40 groups) names every group and fits Feishu', () => {
    const many = Array.from({ length: 40 }, (_, i) => group({ id: 100 + i, alertname: `Storm${i}`, alerts: alerts(100) }));
    const c = groupDigestCard({ ...base, sendGroupName: 'infra', groups: many });
    assert.ok(cardBytes(c) <= CARD_MAX_BYTES);
    const s = JSON.stringify(c);
    assert.match(s, /<at id=ou_ada><\/at>/, 'the person on call is mentioned');
    for (const g of many) assert.ok(s.includes(`group #${g.id}`), `group ${g.id} listed`);
  });

  test('silence lengths: durations, until a local time, at most 30 days', () => {
    assert.equal(parseSilenceLength('90m', now, 'UTC'), 90 * 60_000);
    assert.equal(parseSilenceLength('until 09:00', now, 'Asia/Shanghai'), 3_600_000 * (9 - 11 + 24));
    assert.equal(parseSilenceLength('until 12:00', now, 'Asia/Shanghai'), 3_600_000);
    assert.equal(parseSilenceLength('31d', now, 'UTC'), null);
    assert.equal(parseSilenceLength('soon', now, 'UTC'), null);
  });

  test('links use the configured external URLs, not the generatorURL host', () => {
    assert.equal(prometheusLink('http://prom-7f9c:9090/graph?g0.expr=up', 'https://prom.example/'), 'https://prom.example/graph?g0.expr=up');
    assert.equal(prometheusLink('http://prom-7f9c:9090/graph?g0.expr=up', null), 'http://prom-7f9c:9090/graph?g0.expr=up');
    assert.equal(alertmanagerLink('https://am.example', { alertname: 'X' }), 'https://am.example/#/alerts?filter=%7Balertname%3D%22X%22%7D');
  });
});
