import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { handleCardAction } from '../../src/chat/card-actions';
import { invalid } from '../../src/core/errors';
import { cardCallback, inboundMessage } from '../../src/feishu/inbound';
import { cardActionEvent, messageEvent } from '../../src/sandbox/callbacks';
import { fakeDeps, RULE } from './chat-fakes';

const click = (openId: string, value: unknown, extra: { option?: string; form_value?: unknown } = {}, messageId: string | null = 'om_event') => ({
  operatorOpenId: openId,
  action: { value, ...extra },
  messageId,
});

describe('card actions', () => {
  test('claim: the action runs and the clicked card is re-rendered', async () => {
    const { d, calls } = fakeDeps();
    const a = await handleCardAction(click('ou_eve', { a: 'claim', e: 42 }), d);
    assert.deepEqual(calls.claims, [42]);
    assert.deepEqual(a.toast, { type: 'success', content: 'Claimed #42 HighCPU' });
    assert.equal(a.card?.header.title.content, 'event card');
  });

  test('a click on the /alerts list (no event copy) re-renders the list', async () => {
    const { d } = fakeDeps();
    const a = await handleCardAction(click('ou_eve', { a: 'unsilence', e: 42 }, {}, 'om_list'), d);
    assert.match(a.card?.header.title.content ?? '', /Active alerts/);
  });

  test('silence buttons, and the alertname select whose option is the duration', async () => {
    const { d, calls } = fakeDeps();
    await handleCardAction(click('ou_eve', { a: 'silence', e: 42, d: '4h' }), d);
    await handleCardAction(click('ou_eve', { a: 'silence_alertname', e: 42 }, { option: '30m' }), d);
    assert.deepEqual(calls.silences, [
      { id: 42, ms: 4 * 3600_000, scope: 'event' },
      { id: 42, ms: 30 * 60_000, scope: 'alertname' },
    ]);
  });

  test('a refused action shows the error and the card as it now is', async () => {
    const { d } = fakeDeps();
    const a = await handleCardAction(click('ou_eve', { a: 'claim', e: 99 }), d);
    assert.deepEqual(a.toast, { type: 'error', content: '#99 is already claimed by ada' });
    assert.ok(a.card);
  });

  test('unknown users, viewers and forged or stale values change nothing', async () => {
    const { d, calls } = fakeDeps();
    const stranger = await handleCardAction(click('ou_stranger', { a: 'claim', e: 42 }), d);
    assert.match(stranger.toast.content, /not registered/);
    const viewer = await handleCardAction(click('ou_vic', { a: 'claim', e: 42 }), d);
    assert.match(viewer.toast.content, /needs the editor role/);
    for (const value of [{ action: 'claim', event: '42' }, { a: 'silence', e: 42, d: '99y' }, { a: 'claim', e: -1 }, 'claim']) {
      const a = await handleCardAction(click('ou_eve', value), d);
      assert.equal(a.toast.type, 'error', JSON.stringify(value));
      assert.equal(a.card, undefined);
    }
    assert.deepEqual([calls.claims, calls.silences], [[], []]);
  });

  test('rule_save: a bad form or a refused rule comes back in the card with the draft; a good one saves', async () => {
    const form = { expr: 'rate(x[5m]) > 1', for: '10m', severity: 'critical', labels: 'team=db', annotations: 'summary=hot', enabled: 'false' };
    const { d, calls } = fakeDeps();
    const bad = await handleCardAction(click('ou_eve', { a: 'rule_save', r: 12 }, { form_value: { ...form, labels: 'not a label line' } }), d);
    assert.equal(bad.toast.type, 'error');
    assert.match(JSON.stringify(bad.card), /Not saved/);
    assert.match(JSON.stringify(bad.card), /not a label line/, 'the draft is shown back');
    assert.deepEqual(calls.updates, []);

    const ok = await handleCardAction(click('ou_eve', { a: 'rule_save', r: 12 }, { form_value: form }), d);
    assert.equal(ok.toast.type, 'success');
    assert.deepEqual(calls.updates, [
      { id: 12, body: { expr: form.expr, for: '10m', severity: 'critical', labels: { team: 'db' }, annotations: { summary: 'hot' }, enabled: false } },
    ]);

    const refusing = fakeDeps({});
    refusing.d.alertRules = { ...refusing.d.alertRules, update: () => Promise.reject(invalid('expr: unexpected end of input', [{ path: 'expr', message: 'unexpected end of input' }])) };
    const promql = await handleCardAction(click('ou_eve', { a: 'rule_save', r: RULE.id }, { form_value: { ...form, expr: 'rate(' } }), refusing.d);
    assert.equal(promql.toast.type, 'error');
    assert.match(JSON.stringify(promql.card), /unexpected end of input/);
    assert.match(JSON.stringify(promql.card), /"default_value":"rate&#40;"|"default_value":"rate\("/);
  });

  test('the swap form makes a request (or an offer); it changes nothing by itself', async () => {
    const { d, calls } = fakeDeps();
    const ok = await handleCardAction(click('ou_eve', { a: 'swap', g: 7 }, { form_value: { date: '2026-05-12 +0800', user: 'ou_ada' } }), d);
    assert.deepEqual(ok.toast, { type: 'success', content: 'Request sent' });
    assert.match(JSON.stringify(ok.card), /Shift swap request: infra/);
    assert.match(JSON.stringify(ok.card), /"a":"sr_cancel","r":1/, 'the requester may cancel');
    const offer = await handleCardAction(click('ou_eve', { a: 'swap', g: 7, o: 1 }, { form_value: { date: '2026-05-13', user: '' } }), d);
    assert.deepEqual(offer.toast, { type: 'success', content: 'Offered to the group' });
    assert.deepEqual(calls.swaps, [
      { groupId: 7, input: { firstDay: '2026-05-12', lastDay: '2026-05-12', toUserId: 1 } },
      { groupId: 7, input: { firstDay: '2026-05-13', lastDay: '2026-05-13', toUserId: null } },
    ]);
    const nobody = await handleCardAction(click('ou_eve', { a: 'swap', g: 7 }, { form_value: { date: '2026-05-12' } }), d);
    assert.equal(nobody.toast.type, 'error');
    assert.match(JSON.stringify(nobody.card), /pick the person to ask, or offer the shift to the group/);
    const stranger = await handleCardAction(click('ou_eve', { a: 'swap', g: 7 }, { form_value: { date: '2026-05-12', user: 'ou_nobody' } }), d);
    assert.equal(stranger.toast.type, 'error');
    assert.match(JSON.stringify(stranger.card), /Not sent/);
    const viewer = await handleCardAction(click('ou_vic', { a: 'swap', g: 7 }, { form_value: { date: '2026-05-12', user: 'ou_ada' } }), d);
    assert.match(viewer.toast.content, /needs the editor role/);
    assert.equal(calls.swaps.length, 2);
  });

  test('request buttons: each decision goes to the service as the clicking user, refusals toast why', async () => {
    const { d, calls } = fakeDeps();
    const accepted = await handleCardAction(click('ou_ada', { a: 'sr_accept', r: 12 }), d);
    assert.deepEqual(accepted.toast, { type: 'success', content: 'Accepted: the shift is yours' });
    assert.match(JSON.stringify(accepted.card), /Shift swap accepted/);
    assert.equal(JSON.stringify(accepted.card).includes('sr_accept'), false, 'no buttons once decided');
    // A viewer may answer a request addressed to them: the service decides who may.
    await handleCardAction(click('ou_vic', { a: 'sr_decline', r: 12 }), d);
    await handleCardAction(click('ou_eve', { a: 'sr_cancel', r: 12 }), d);
    const refused = await handleCardAction(click('ou_eve', { a: 'sr_accept', r: 403 }), d);
    assert.equal(refused.toast.type, 'error');
    assert.match(refused.toast.content, /only they can accept/);
    assert.equal(refused.card, undefined, 'the card stays for the person it is for');
    assert.deepEqual(calls.decisions, [['accept', 12, 1], ['decline', 12, 3], ['cancel', 12, 2], ['accept', 403, 2]]);
  });

  test('roster month buttons answer with that month, for viewers too', async () => {
    const { d } = fakeDeps();
    const r = await handleCardAction(click('ou_vic', { a: 'roster', g: 7, m: '2026-07' }), d);
    assert.match(JSON.stringify(r.card), /July 2026/);
    assert.match(JSON.stringify(r.card), /"a":"roster","g":7,"m":"2026-06"/);
    assert.match(JSON.stringify(r.card), /"a":"roster","g":7,"m":"2026-08"/);
  });
});

describe('inbound shapes (as the SDK flattens them)', () => {
  const flatten = (e: any) => ({ ...e.header, ...e.event });
  const now = new Date('2026-05-10T03:00:00Z');
  const keys = { appId: 'cli_1', verificationToken: 't' };

  test('a group text message with the bot mention', () => {
    const e = messageEvent(keys, { operator: { openId: 'ou_eve' }, chatId: 'oc_room', chatType: 'group', messageId: 'om_1', text: '/silence 42 1h', now });
    const m = inboundMessage(flatten(e));
    assert.equal(m?.text, '@_user_1 /silence 42 1h');
    assert.equal(m?.chatType, 'group');
    assert.equal(m?.mentions[0]?.key, '@_user_1');
  });

  test('rich text (post) messages read their text runs; bots are ignored', () => {
    const e: any = flatten(messageEvent(keys, { operator: { openId: 'ou_eve' }, chatId: 'oc_p', chatType: 'p2p', messageId: 'om_2', text: '', now }));
    e.message.message_type = 'post';
    e.message.content = JSON.stringify({ title: '', content: [[{ tag: 'at', user_id: '@_user_1' }, { tag: 'text', text: ' /oncall infra' }]] });
    assert.match(inboundMessage(e)?.text ?? '', /@_user_1\s+\/oncall infra/);
    assert.equal(inboundMessage({ ...e, sender: { ...e.sender, sender_type: 'app' } }), null);
  });

  test('a card callback', () => {
    const e = cardActionEvent(keys, { operator: { openId: 'ou_eve' }, messageId: 'om_c', chatId: 'oc_room', action: { tag: 'button', value: { a: 'claim', e: 42 } }, now });
    assert.deepEqual(cardCallback(flatten(e)), { operatorOpenId: 'ou_eve', action: { value: { a: 'claim', e: 42 } }, messageId: 'om_c' });
  });
});
