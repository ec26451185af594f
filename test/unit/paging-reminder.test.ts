import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { reminderText } from '../../src/events/reminders';

describe('escalation reminder text', { timeout: 5_000 }, () => {
  const r = { eventId: 42, alertname: 'CpuHot', target: '10.0.0.1:9100', forMin: 10, inMin: 5, to: ['carol', 'dan'] };

  test('says how long it waited, who gets it next and when, in the bot language', () => {
    assert.equal(reminderText('en', r), '⏰ #42 CpuHot · 10.0.0.1:9100: unacknowledged for 10 min; escalating to carol, dan in 5 min. Acknowledge it to stop the escalation.');
    assert.equal(reminderText('zh-CN', r), '⏰ #42 CpuHot · 10.0.0.1:9100：已 10 分钟无人确认；5 分钟后升级给 carol, dan。确认即可停止升级。');
  });

  test('a level without named users is "the next level"', () => {
    assert.match(reminderText('en', { ...r, target: null, to: [] }), /^⏰ #42 CpuHot: .*escalating to the next level in 5 min/);
    assert.match(reminderText('zh-CN', { ...r, to: [] }), /5 分钟后升级给 下一级/);
  });
});
