import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { Writable } from 'node:stream';
import { handoffCard } from '../../src/cards/handoff-card';
import { isPermanentSendFailure } from '../../src/core/ports';
import { createLarkClient } from '../../src/feishu/client';
import { larkCardSender } from '../../src/feishu/send';
import { FeishuServer } from '../../src/sandbox/feishu-server';

const logged: any[] = [];
const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (logged.push(JSON.parse(String(c))), cb()) }));
const card = handoffCard({ locale: 'en', groupName: 'sre', current: { name: 'alice', openId: 'ou_alice' }, timezone: 'UTC' });

/** The AppError a failed send rejects with. */
async function failureOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected the send to fail');
}

describe('CardSender over the SDK', () => {
  let feishu: FeishuServer;
  let sender: ReturnType<typeof larkCardSender>;
  before(async () => {
    feishu = await FeishuServer.start({ appId: 'cli_send', appSecret: 'send-secret' });
    const client = createLarkClient({ appId: 'cli_send', appSecret: 'send-secret', domain: feishu.url, mode: 'http', enabled: true }, logger);
    sender = larkCardSender(client, logger);
  });
  after(() => feishu.close());

  test('sends to a chat and to a person; a repeated uuid posts once', async () => {
    const first = await sender.sendToChat('oc_room', card, 'send-test-1');
    const again = await sender.sendToChat('oc_room', card, 'send-test-1');
    assert.ok(first?.messageId);
    assert.equal(again?.messageId, first.messageId);
    assert.equal(feishu.messagesFor('oc_room').length, 1);
    const dm = await sender.sendToUser('ou_alice', card, 'send-test-2');
    assert.equal(feishu.messagesFor('ou_alice')[0]?.message_id, dm?.messageId);
    await assert.rejects(sender.sendToChat('oc_room', card, 'x'.repeat(51)), RangeError);
  });

  test('failures say whether a retry can help', async () => {
    const cases: [Parameters<FeishuServer['failNext']>[1], boolean][] = [
      [{ status: 500 }, true],
      [{ rateLimitResetSeconds: 1 }, true],
      [{ code: 230020 }, true], // rate limited, as a business error
      [{ code: 230002 }, false], // bot not in the chat
      [{ code: 230099, status: 200 }, false], // bad card, answered 200 with a code
    ];
    for (const [fault, retryable] of cases) {
      feishu.failNext('send', fault);
      const e = await failureOf(sender.sendToChat('oc_room', card, `fail-${JSON.stringify(fault)}`.slice(0, 50)));
      assert.equal(e.code, 'upstream_failed', JSON.stringify(fault));
      assert.equal(e.details.retryable, retryable, JSON.stringify(fault));
      assert.equal(isPermanentSendFailure(e), !retryable);
      if (fault.code) assert.equal(e.details.feishuCode, fault.code);
    }
    assert.equal(isPermanentSendFailure(new Error('other')), false);
  });

  test('with Feishu off a send is logged and resolves to null', async () => {
    const off = larkCardSender(null, logger);
    assert.equal(await off.sendToChat('oc_room', card, 'off-1'), null);
    assert.ok(logged.some((l) => l.msg === 'feishu off: card not sent' && l.uuid === 'off-1'));
  });
});
