import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import yaml from 'js-yaml';
import type { ClusterSpec, SendGroupSpec } from '../../src/routing/model';
import { renderAlertmanagerConfig } from '../../src/routing/render-alertmanager';
import { assertGolden } from '../support/golden';
import { amtoolCheckConfig, amtoolRoute, assertToolOk } from '../support/prom-tools';

const CLUSTER: ClusterSpec = {
  id: 4,
  name: 'am-main',
  resolveTimeout: '5m',
  groupBy: ['alertname', 'send_group'],
  groupWait: '30s',
  groupInterval: '5m',
  repeatInterval: '4h',
  instances: ['10.0.0.1:9093', '10.0.0.2:9093'],
};

const group = (over: Partial<SendGroupSpec> & { id: number }): SendGroupSpec => ({
  name: `group-${over.id}`,
  enabled: true,
  isDefault: false,
  sendResolved: true,
  groupBy: null,
  groupWait: null,
  groupInterval: null,
  repeatInterval: null,
  ...over,
});

const GROUPS: SendGroupSpec[] = [
  group({ id: 12, name: 'dba', sendResolved: false, groupBy: ['...'], groupWait: '0s', repeatInterval: '30m' }),
  group({ id: 3, name: 'ops', isDefault: true, groupInterval: '1m' }),
  group({ id: 7, name: 'paused', enabled: false }),
  group({ id: 9, name: 'web', groupBy: ['alertname', 'instance'] }),
];
const CTX = { publicUrl: 'https://promduty.example.com/pd/', webhookToken: 'tok#en:"quoted"\'' };
const URL = 'https://promduty.example.com/pd/api/v1/alerts/webhook';

const webhook = (sendResolved: boolean) => [
  { url: URL, send_resolved: sendResolved, max_alerts: 0, http_config: { authorization: { type: 'Bearer', credentials: CTX.webhookToken } } },
];

describe('alertmanager.yml', () => {
  const text = renderAlertmanagerConfig(CLUSTER, GROUPS, CTX);

  test('matches the golden file and passes amtool check-config', () => {
    assertGolden('alertmanager/cluster-4.yml', text);
    const r = amtoolCheckConfig(text);
    assertToolOk(r);
    assert.match(r.output, /4 receivers/);
  });

  test('a broken config is refused by amtool (the check above can fail)', () => {
    assert.notEqual(amtoolCheckConfig(text.replace('receiver: sg-9', 'receiver: sg-missing')).status, 0);
  });

  test('parses back to one route per enabled send group, timings falling back to the cluster', () => {
    assert.deepEqual(yaml.load(text), {
      global: { resolve_timeout: '5m' },
      route: {
        receiver: 'promduty-default',
        // The enabled default send group (3) lends the root route its settings.
        group_by: ['alertname', 'send_group'],
        group_wait: '30s',
        group_interval: '1m',
        repeat_interval: '4h',
        routes: [
          { receiver: 'sg-3', matchers: ['send_group="3"'], group_by: ['alertname', 'send_group'], group_wait: '30s', group_interval: '1m', repeat_interval: '4h' },
          { receiver: 'sg-9', matchers: ['send_group="9"'], group_by: ['alertname', 'instance'], group_wait: '30s', group_interval: '5m', repeat_interval: '4h' },
          { receiver: 'sg-12', matchers: ['send_group="12"'], group_by: ['...'], group_wait: '0s', group_interval: '5m', repeat_interval: '30m' },
        ],
      },
      receivers: [
        { name: 'promduty-default', webhook_configs: webhook(true) },
        { name: 'sg-3', webhook_configs: webhook(true) },
        { name: 'sg-9', webhook_configs: webhook(true) },
        { name: 'sg-12', webhook_configs: webhook(false) },
      ],
    });
  });

  test('Alertmanager routes each send_group to its receiver, everything else to promduty-default', () => {
    assert.equal(amtoolRoute(text, { send_group: '3', alertname: 'X' }), 'sg-3');
    assert.equal(amtoolRoute(text, { send_group: '12' }), 'sg-12');
    assert.equal(amtoolRoute(text, { send_group: '7' }), 'promduty-default'); // disabled group
    assert.equal(amtoolRoute(text, { send_group: '999' }), 'promduty-default'); // unknown group
    assert.equal(amtoolRoute(text, { alertname: 'NoGroup' }), 'promduty-default');
    assert.equal(amtoolRoute(text, { send_group: '1' }), 'promduty-default'); // no prefix matching of "12"
  });

  test('output does not depend on the order of send groups', () => {
    assert.equal(renderAlertmanagerConfig(CLUSTER, [...GROUPS].reverse(), CTX), text);
  });

  test('without an enabled default group the root takes the cluster settings and sends resolved', () => {
    const out = yaml.load(renderAlertmanagerConfig(CLUSTER, [group({ id: 3, isDefault: true, enabled: false, sendResolved: false, groupInterval: '1m' })], CTX)) as any;
    assert.equal(out.route.group_interval, '5m');
    assert.equal(out.route.routes, undefined);
    assert.deepEqual(out.receivers, [{ name: 'promduty-default', webhook_configs: webhook(true) }]);
  });

  test('no send groups at all still gives a config amtool accepts', () => {
    const bare = renderAlertmanagerConfig({ ...CLUSTER, groupBy: [] }, [], { publicUrl: 'http://127.0.0.1:3000', webhookToken: 't' });
    assertGolden('alertmanager/bare.yml', bare);
    assertToolOk(amtoolCheckConfig(bare));
    assert.equal(amtoolRoute(bare, { send_group: '1' }), 'promduty-default');
  });

  test('refuses what Alertmanager would refuse, naming the field', () => {
    const cases: [string, () => unknown, RegExp][] = [
      ['bad group_by label', () => renderAlertmanagerConfig({ ...CLUSTER, groupBy: ['bad-label'] }, [], CTX), /groupBy\[0\]/],
      ['"..." with others', () => renderAlertmanagerConfig(CLUSTER, [group({ id: 1, groupBy: ['...', 'job'] })], CTX), /\[0\]\.groupBy/],
      ['repeated label', () => renderAlertmanagerConfig({ ...CLUSTER, groupBy: ['job', 'job'] }, [], CTX), /groupBy\[1\]/],
      ['zero group_interval', () => renderAlertmanagerConfig({ ...CLUSTER, groupInterval: '0s' }, [], CTX), /groupInterval/],
      ['bad duration', () => renderAlertmanagerConfig(CLUSTER, [group({ id: 1, repeatInterval: '1 hour' })], CTX), /\[0\]\.repeatInterval/],
      ['duplicate ids', () => renderAlertmanagerConfig(CLUSTER, [group({ id: 1 }), group({ id: 1 })], CTX), /\[1\]\.id/],
      ['bad url', () => renderAlertmanagerConfig(CLUSTER, [], { ...CTX, publicUrl: 'ftp://x' }), /publicUrl/],
      ['empty token', () => renderAlertmanagerConfig(CLUSTER, [], { ...CTX, webhookToken: '' }), /webhookToken/],
      ['token with a newline', () => renderAlertmanagerConfig(CLUSTER, [], { ...CTX, webhookToken: 'a\nb' }), /webhookToken/],
    ];
    for (const [what, run, field] of cases) {
      assert.throws(run, (e: any) => e.code === 'validation_failed' && field.test(e.message), what);
    }
  });
});
