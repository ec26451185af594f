import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { handleMessage } from '../../src/chat/handle';
import type { Reply } from '../../src/chat/types';
import { fakeDeps, said } from './chat-fakes';

const title = (r: Reply): string => ('card' in r ? r.card.header.title.content : r.text);
const body = (r: Reply): string => JSON.stringify(r);

describe('/notify', { timeout: 10_000 }, () => {
  test('shows my rules; sets a severity rule with a delay, quiet hours with a zone, and turns them off', async () => {
    const { d } = fakeDeps();
    assert.match(body(await handleMessage(said('ou_vic', '/notify'), d)), /No rules of your own/);
    const set = await handleMessage(said('ou_vic', '/notify critical phone 5m'), d);
    assert.equal(title(set), 'Notification rules saved');
    assert.match(body(set), /critical:\*\* card \+ phone call, after 5 min/);
    await handleMessage(said('ou_vic', '/notify quiet 22:00-07:00 Asia/Shanghai'), d);
    assert.deepEqual(await d.notify.get(3), {
      timezone: 'Asia/Shanghai',
      quietHours: { start: '22:00', end: '07:00' },
      criticalOverridesQuiet: true,
      rules: { critical: { channel: 'phone', delayMinutes: 5 } },
    });
    assert.match(body(await handleMessage(said('ou_vic', '/notify'), d)), /22:00–07:00 \(Asia\/Shanghai\); critical alerts still page/);
    await handleMessage(said('ou_vic', '/notify quiet off'), d);
    assert.equal((await d.notify.get(3)).quietHours, null);
  });

  test('bad input is refused with the usage and nothing saved', async () => {
    const { d } = fakeDeps();
    for (const text of ['/notify critical pager', '/notify quiet 25:00-07:00', '/notify urgent sms', '/notify warning sms soon']) {
      assert.match(body(await handleMessage(said('ou_vic', text), d)), /phone|HH:MM|unknown setting|minutes/, text);
    }
    assert.deepEqual((await d.notify.get(3)).rules, {});
  });

  test("someone else's rules take an admin", async () => {
    const { d } = fakeDeps();
    const vic = { key: '@_user_1', openId: 'ou_vic', name: 'vic' };
    const eve = await handleMessage(said('ou_eve', '/notify @_user_1 critical sms', [vic]), d);
    assert.match(body(eve), /admin/);
    assert.deepEqual((await d.notify.get(3)).rules, {});
    const ada = await handleMessage(said('ou_ada', '/notify @_user_1 critical sms', [vic]), d);
    assert.equal(title(ada), 'Notification rules saved');
    assert.deepEqual((await d.notify.get(3)).rules, { critical: { channel: 'sms', delayMinutes: 0 } });
  });

  test('the Chinese bot answers /通知 in Chinese, refusals included, without error codes', async () => {
    const { d } = fakeDeps({ locale: 'zh-CN' });
    const saved = await handleMessage(said('ou_vic', '/通知 critical sms'), d);
    assert.equal(title(saved), '通知规则已保存');
    assert.match(body(saved), /critical：\*\* 卡片 \+ 短信加急/);
    for (const [text, want] of [['/通知 critical pager', /通知方式/], ['/通知 quiet 25:00-07:00', /免打扰时段请写成/], ['/通知 warning sms soon', /延迟请以分钟给出/]] as const) {
      const r = body(await handleMessage(said('ou_vic', text), d));
      assert.match(r, want, text);
      assert.doesNotMatch(r, /validation_failed|forbidden/, text);
    }
  });
});
