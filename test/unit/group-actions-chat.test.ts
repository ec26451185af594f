import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { handleCardAction } from '../../src/chat/card-actions';
import { handleMessage } from '../../src/chat/handle';
import { assertGoldenJson } from '../support/golden';
import { fakeDeps, said } from './chat-fakes';

const click = (openId: string, value: unknown, extra: { option?: string; form_value?: unknown } = {}, messageId: string | null = 'om_other') => ({
  operatorOpenId: openId,
  action: { value, ...extra },
  messageId,
});

describe('alert group actions from cards and commands', () => {
  test('every group button runs its action and answers with the group card', async () => {
    const { d, calls } = fakeDeps();
    for (const a of ['g_ack', 'g_unack', 'g_take', 'g_resolve', 'g_escalate']) {
      const r = await handleCardAction(click('ou_eve', { a, i: 12 }), d);
      assert.equal(r.toast.type, 'success', a);
      assert.equal(r.card?.header.title.content, 'group card 12');
    }
    await handleCardAction(click('ou_eve', { a: 'g_note', i: 12 }, { form_value: { note: 'rebooting db1' } }), d);
    await handleCardAction(click('ou_eve', { a: 'g_responder', i: 12 }, { form_value: { user: 'ou_carol' } }), d);
    await handleCardAction(click('ou_eve', { a: 'g_silence', i: 12 }, { form_value: { duration: '90m', reason: 'upgrade' } }), d);
    await handleCardAction(click('ou_eve', { a: 'g_silence', i: 12 }, { option: '4h' }), d);
    assert.deepEqual(calls.groups, [
      ['acknowledge', 12, null], ['unacknowledge', 12, null], ['takeOver', 12, null], ['resolve', 12, null], ['escalateNow', 12, null],
      ['note', 12, 'rebooting db1'], ['addResponder', 12, 'ou_carol'],
      ['silence', 12, { ms: 90 * 60_000, reason: 'upgrade' }], ['silence', 12, { ms: 4 * 3_600_000, reason: '' }],
    ]);
  });

  test('refusals toast why; viewers and strangers change nothing; a bad silence length is refused', async () => {
    const { d, calls } = fakeDeps();
    const taken = await handleCardAction(click('ou_eve', { a: 'g_ack', i: 99 }), d);
    assert.deepEqual(taken.toast, { type: 'error', content: 'group #99 is already acknowledged by ada' });
    const viewer = await handleCardAction(click('ou_vic', { a: 'g_ack', i: 12 }), d);
    assert.equal(viewer.toast.type, 'error');
    const bad = await handleCardAction(click('ou_eve', { a: 'g_silence', i: 12 }, { form_value: { duration: '40d' } }), d);
    assert.match(bad.toast.content, /at most 30 days/);
    const nobody = await handleCardAction(click('ou_eve', { a: 'g_responder', i: 12 }, { form_value: {} }), d);
    assert.match(nobody.toast.content, /pick the person/);
    assert.deepEqual(calls.groups, []);
  });

  test('one alert: acknowledge and unacknowledge from its card', async () => {
    const { d, calls } = fakeDeps();
    await handleCardAction(click('ou_eve', { a: 'unclaim', e: 42 }), d);
    assert.deepEqual(calls.unclaims, [42]);
  });

  test('/group ID shows the card; every verb acts on the group (result cards golden)', async () => {
    const { d, calls } = fakeDeps();
    const show = await handleMessage(said('ou_vic', '/group 12'), d);
    assert.match(JSON.stringify(show), /group card 12/);
    const verbs: [string, string][] = [
      ['ack', '/group 12 ack'], ['unack', '/group 12 unack'], ['take', '/group 12 take'], ['resolve', '/group 12 resolve'], ['escalate', '/group 12 escalate'],
      ['note', '/group 12 note db1 is rebooting'], ['responder', '/group 12 responder @_user_2'], ['silence', '/group 12 silence until 09:00 kernel upgrade'],
    ];
    const carol = [{ key: '@_user_2', openId: 'ou_carol', name: 'carol' }];
    for (const [name, text] of verbs) {
      assertGoldenJson(`cards/group-command-${name}.json`, await handleMessage(said('ou_eve', text, carol), d));
      // The same command typed to a Chinese bot, by its alias: the reply is all in Chinese.
      const zh = text.replace('/group', '/告警组');
      assertGoldenJson(`cards/zh-CN/group-command-${name}.json`, await handleMessage(said('ou_eve', zh, carol), { ...d, locale: 'zh-CN' }));
    }
    // Each verb twice: in English, then by the Chinese alias.
    const acted = ['acknowledge', 'unacknowledge', 'takeOver', 'resolve', 'escalateNow', 'note', 'addResponder', 'silence'];
    assert.deepEqual(calls.groups.map(([a]) => a), acted.flatMap((a) => [a, a]));
    assert.equal(calls.groups[10]![2], 'db1 is rebooting');
    assert.equal(calls.groups[11]![2], 'db1 is rebooting');
    assert.deepEqual(calls.groups[14]![2], { ms: 6 * 3_600_000, reason: 'kernel upgrade' }, 'until 09:00 UTC, at 03:00 UTC');
    assert.deepEqual(calls.groups[15]![2], calls.groups[14]![2]);
  });

  test('/group refuses viewers acting, unknown verbs and groups; /ack and /unack act on events', async () => {
    const { d, calls } = fakeDeps();
    assert.match(JSON.stringify(await handleMessage(said('ou_vic', '/group 12 ack'), d)), /editor role/);
    assert.match(JSON.stringify(await handleMessage(said('ou_eve', '/group 12 dance'), d)), /unknown action/);
    assert.match(JSON.stringify(await handleMessage(said('ou_eve', '/group 404'), d)), /no alert group #404/);
    await handleMessage(said('ou_eve', '/ack 42 43'), d);
    await handleMessage(said('ou_eve', '/unack 42'), d);
    assert.deepEqual([calls.claims, calls.unclaims, calls.groups], [[42, 43], [42], []]);
  });
});
