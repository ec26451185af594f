import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as lark from '@larksuiteoapi/node-sdk';
import { cardActionEvent, messageEvent, SANDBOX_BOT, signRequest, type AppKeys } from '../../src/sandbox/callbacks';

const KEYS: AppKeys = { appId: 'cli_test', encryptKey: 'the-encrypt-key', verificationToken: 'the-token' };
const NOW = new Date('2025-03-14T08:00:00Z');
const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

/** The SDK's own dispatcher, as a receiver would build it, fed the request the sandbox signed. */
async function deliver(keys: AppKeys, payload: object, dispatcherKeys: Partial<AppKeys> = keys): Promise<{ seen: any[]; answer: unknown }> {
  const seen: any[] = [];
  const dispatcher = new lark.EventDispatcher({
    encryptKey: dispatcherKeys.encryptKey,
    verificationToken: dispatcherKeys.verificationToken,
    logger: quiet,
    loggerLevel: lark.LoggerLevel.error,
  }).register({
    'im.message.receive_v1': async (data: any) => {
      seen.push(data);
      return 'message handled';
    },
    'card.action.trigger': async (data: any) => {
      seen.push(data);
      return { toast: { type: 'success', content: 'done' } };
    },
  } as any);
  const { body, headers } = signRequest(keys, payload, NOW);
  const data = Object.assign(Object.create({ headers }), JSON.parse(body));
  return { seen, answer: await dispatcher.invoke(data) };
}

describe('sandbox callbacks, checked by the Feishu SDK', () => {
  const operator = { openId: 'ou_alice', userId: 'alice01' };

  test('a group message arrives encrypted, signed, and decodes to an @bot message', async () => {
    const event = messageEvent(KEYS, { operator, chatId: 'oc_ops', chatType: 'group', messageId: 'om_1', text: '/roster', now: NOW });
    const { body, headers } = signRequest(KEYS, event, NOW);
    assert.deepEqual(Object.keys(JSON.parse(body)), ['encrypt'], 'the body is encrypted');
    assert.match(headers['x-lark-signature'] ?? '', /^[0-9a-f]{64}$/);

    const { seen } = await deliver(KEYS, event);
    assert.equal(seen.length, 1);
    const m = seen[0];
    assert.equal(m.event_type, 'im.message.receive_v1');
    assert.equal(m.token, 'the-token');
    assert.equal(m.sender.sender_id.open_id, 'ou_alice');
    assert.equal(m.message.chat_type, 'group');
    assert.equal(m.message.message_id, 'om_1');
    assert.deepEqual(JSON.parse(m.message.content), { text: '@_user_1 /roster' });
    assert.equal(m.message.mentions[0].id.open_id, SANDBOX_BOT.openId);
  });

  test('people mentioned in the composer arrive as Feishu mentions: keys in the text, open_ids in mentions', async () => {
    const text = '/swap sre 2026-12-05 <at user_id="ou_carol">Carol Wang</at> or <at user_id="ou_bob">Bob</at>';
    const group = await deliver(KEYS, messageEvent(KEYS, { operator, chatId: 'oc_ops', chatType: 'group', messageId: 'om_3', text, now: NOW }));
    const m = group.seen[0].message;
    assert.deepEqual(JSON.parse(m.content), { text: '@_user_1 /swap sre 2026-12-05 @_user_2 or @_user_3' });
    assert.deepEqual(m.mentions.map((x: any) => [x.key, x.id.open_id, x.name]), [
      ['@_user_1', SANDBOX_BOT.openId, 'promduty'], ['@_user_2', 'ou_carol', 'Carol Wang'], ['@_user_3', 'ou_bob', 'Bob'],
    ]);
    const p2p = await deliver(KEYS, messageEvent(KEYS, { operator, chatId: 'oc_p2p_x', chatType: 'p2p', messageId: 'om_4', text, now: NOW }));
    assert.deepEqual(JSON.parse(p2p.seen[0].message.content), { text: '/swap sre 2026-12-05 @_user_1 or @_user_2' });
    assert.equal(p2p.seen[0].message.mentions[0].id.open_id, 'ou_carol');
  });

  test('a p2p message carries the text as typed and no mention', async () => {
    const event = messageEvent(KEYS, { operator, chatId: 'oc_p2p_x', chatType: 'p2p', messageId: 'om_2', text: '/oncall', now: NOW });
    const { seen } = await deliver(KEYS, event);
    assert.deepEqual(JSON.parse(seen[0].message.content), { text: '/oncall' });
    assert.equal(seen[0].message.mentions, undefined);
  });

  test('a form submit reaches card.action.trigger with value, form_value and context; the answer comes back', async () => {
    const event = cardActionEvent(KEYS, {
      operator,
      messageId: 'om_card',
      chatId: 'oc_ops',
      action: { tag: 'button', value: { a: 'swap', g: 3 }, name: 'swap_submit', formValue: { date: '2025-03-15 +0800', user: 'ou_bob' } },
      now: NOW,
    });
    const { seen, answer } = await deliver(KEYS, event);
    assert.deepEqual(answer, { toast: { type: 'success', content: 'done' } });
    const c = seen[0];
    assert.equal(c.operator.open_id, 'ou_alice');
    assert.deepEqual(c.action.value, { a: 'swap', g: 3 });
    assert.deepEqual(c.action.form_value, { date: '2025-03-15 +0800', user: 'ou_bob' });
    assert.equal(c.action.name, 'swap_submit');
    assert.equal(c.context.open_message_id, 'om_card');
    assert.equal(c.context.open_chat_id, 'oc_ops');
  });

  test('a receiver holding another encrypt key refuses the request', async () => {
    const event = cardActionEvent(KEYS, { operator, messageId: 'om_card', chatId: 'oc_ops', action: { tag: 'button', value: { a: 'claim', e: 1 } }, now: NOW });
    const { seen, answer } = await deliver(KEYS, event, { encryptKey: 'another-key' });
    assert.equal(seen.length, 0);
    assert.equal(answer, undefined);
  });

  test('without an encrypt key the body is plain and carries the verification token', () => {
    const keys = { appId: 'cli_test', verificationToken: 'the-token' };
    const event = messageEvent(keys, { operator, chatId: 'oc_ops', chatType: 'group', messageId: 'om_3', text: '/help', now: NOW });
    const { body, headers } = signRequest(keys, event, NOW);
    assert.equal(JSON.parse(body).header.token, 'the-token');
    assert.equal(headers['x-lark-signature'], undefined);
  });
});
