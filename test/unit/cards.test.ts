import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { alertCard } from '../../src/cards/alert-card';
import { CARD_MAX_BYTES, cardBytes, type Card } from '../../src/cards/card';
import { assertGoldenJsonIn } from '../support/golden';
import { LOCALES } from '../../src/i18n';
import { actionsOf, alertInput, assertSendable, callbacks, markdownOf, NOW } from './cards-fixtures';

const minutesFromNow = (m: number) => new Date(NOW.getTime() + m * 60_000);
const bob = { name: 'Bob', openId: 'ou_bob02' };

const STATES = {
  'firing-critical': alertInput(),
  'firing-warning': alertInput({ severity: 'warning', labels: { alertname: 'DiskFilling', instance: 'db-1:9100', severity: 'warning' }, alertname: 'DiskFilling', target: 'db-1:9100' }),
  'firing-info': alertInput({ severity: 'info', summary: null, description: null, value: null, treePath: null, grafanaUrl: null }),
  claimed: alertInput({ claimedBy: bob, claimedAt: new Date('2025-03-14T02:10:00Z') }),
  silenced: alertInput({ silencedUntil: minutesFromNow(60) }),
  resolved: alertInput({ status: 'resolved', resolvedAt: new Date('2025-03-14T02:25:00Z'), claimedBy: bob }),
  escalated: alertInput({ escalationLevel: 2 }, { oncall: null }),
  'webhook-bot': alertInput({}, { withButtons: false }),
} as const;

describe('alert card', () => {
  for (const locale of LOCALES) {
    for (const [name, input] of Object.entries(STATES)) {
      test(`${name} (${locale}) matches its golden and fits Feishu's limits`, () => {
        const c = alertCard({ ...input, locale });
        assertSendable(c);
        assertGoldenJsonIn(locale, `cards/alert-${name}.json`, c);
      });
    }
  }

  test('header colour follows state first, then severity', () => {
    const template = (i: ReturnType<typeof alertInput>) => alertCard(i).header.template;
    assert.equal(template(STATES['firing-critical']), 'red');
    assert.equal(template(STATES['firing-warning']), 'orange');
    assert.equal(template(STATES['firing-info']), 'blue');
    assert.equal(template(alertInput({ severity: 'page' })), 'yellow');
    assert.equal(template(STATES.silenced), 'grey');
    assert.equal(template(STATES.resolved), 'green');
    assert.equal(template(alertInput({ silencedUntil: minutesFromNow(-1) })), 'red', 'an expired silence no longer greys the card');
  });

  test('buttons follow state: claim until claimed, silence until silenced, nothing once resolved', () => {
    const all = ['claim', 'silence', 'silence', 'silence', 'silence', 'silence_alertname'];
    assert.deepEqual(actionsOf(alertCard(STATES['firing-critical'])), all);
    assert.deepEqual(actionsOf(alertCard(STATES.claimed)), all.slice(1));
    assert.deepEqual(actionsOf(alertCard(STATES.silenced)), ['claim', 'unsilence']);
    assert.deepEqual(actionsOf(alertCard(alertInput({ silencedUntil: minutesFromNow(-1) }))), all);
    assert.deepEqual(actionsOf(alertCard(STATES.resolved)), []);
    const durations = callbacks(alertCard(STATES['firing-critical'])).map((cb) => (cb.value as { d?: string }).d ?? cb.options.join(','));
    assert.deepEqual(durations.slice(1), ['30m', '1h', '4h', '24h', '30m,1h,4h,24h']);
  });

  test('the webhook-bot variant has no callbacks but says how to act', () => {
    const c = alertCard(STATES['webhook-bot']);
    assert.deepEqual(callbacks(c), []);
    const json = JSON.stringify(c);
    assert.ok(json.includes('(https://promduty.example.com/events/42)'));
    assert.ok(json.includes('`/claim 42`'));
  });

  test('claim, silence and on-call are shown', () => {
    const claimed = JSON.stringify(alertCard(STATES.claimed));
    assert.equal(alertCard(STATES.claimed).header.subtitle?.content, '#42 · claimed by Bob');
    assert.ok(claimed.includes('**Claimed by:** Bob at 2025-03-14 Fri 10:10'));
    assert.ok(claimed.includes('"CLAIMED"'));
    assert.ok(JSON.stringify(alertCard(STATES.silenced)).includes('**Silenced until:** 2025-03-14 Fri 11:30'));
    assert.ok(JSON.stringify(alertCard(STATES['firing-critical'])).includes('**On call:** <at id=ou_alice01></at>'));
    assert.ok(JSON.stringify(alertCard(STATES.escalated)).includes('nobody on call'));
  });

  test('user text cannot inject mentions, links or markup', () => {
    const evil = '<at id=all></at> [click](http://evil.example) **bold** `code` <font color=red>x</font>';
    const c = alertCard(
      alertInput(
        { summary: evil, description: evil, value: evil, target: evil, labels: { team: evil }, alertname: evil },
        { oncall: { name: evil, openId: 'ou_x></at><at id=all' }, sendGroupName: evil },
      ),
    );
    const markdown = markdownOf(c).join('\n');
    for (const bad of ['<at id=all', '](http://evil', '**bold**', '`code`', '<font color=red']) {
      assert.ok(!markdown.includes(bad), `found ${bad}`);
    }
    assert.ok(markdown.includes('&lt;at id=all&gt;&lt;/at&gt; &#91;click&#93;&#40;http://evil.example&#41;'));
    assert.equal(c.header.title.content, evil, 'plain_text titles are not parsed, so they stay as written');
  });

  test('links only for http(s) URLs', () => {
    const json = JSON.stringify(alertCard(alertInput({ generatorUrl: 'javascript:alert(1)', grafanaUrl: 'not a url' })));
    assert.ok(!json.includes('javascript:'));
    assert.ok(!json.includes('Grafana'));
  });

  test('a huge label set is trimmed under 30 KB and says how many were left out', () => {
    for (const value of ['x'.repeat(1000), '磁盘'.repeat(500)]) {
      const labels: Record<string, string> = { alertname: 'HighCPU' };
      for (let i = 0; i < 500; i++) labels[`label_${String(i).padStart(3, '0')}`] = value;
      const c = alertCard(alertInput({ labels, description: value.repeat(5) }));
      assertSendable(c);
      assert.ok(Buffer.byteLength(JSON.stringify(c)) < 30 * 1024);
      const shown = JSON.stringify(c).match(/label&#95;\d{3}:/g)?.length ?? 0;
      assert.ok(shown > 0 && shown <= 60, `${shown} labels shown`);
      assert.ok(JSON.stringify(c).includes(`… ${500 - shown} more labels`));
      assert.deepEqual(actionsOf(c).slice(0, 1), ['claim'], 'the buttons survive the trimming');
    }
    const huge = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`l${i}`, '磁盘'.repeat(100)]));
    for (const locale of LOCALES) assertGoldenJsonIn(locale, 'cards/alert-huge-labels.json', alertCard({ ...alertInput({ labels: huge }), locale }));
  });

  test('a card that fits is not trimmed at all', () => {
    const c: Card = alertCard(STATES['firing-critical']);
    assert.ok(cardBytes(c) < CARD_MAX_BYTES / 4);
    assert.ok(!JSON.stringify(c).includes('more labels'));
  });
});
