import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { textCard } from '../../src/cards/text-card';
import { silentLogger } from '../../src/core/logger';
import { createMetrics } from '../../src/core/metrics';
import { createLarkClient } from '../../src/feishu/client';
import { larkCardSender, webhookBotSender } from '../../src/feishu/send';
import { FeishuServer } from '../../src/sandbox/feishu-server';

const card = (title: string) => textCard({ title, markdown: 'body' });

async function failureOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  assert.fail('expected a failure');
}

describe('Feishu sending for the alert pipeline: patch, reply, custom bot, rate-limit hints', () => {
  let feishu: FeishuServer;
  const metrics = createMetrics();
  let sender: ReturnType<typeof larkCardSender>;
  before(async () => {
    feishu = await FeishuServer.start({ appId: 'cli_a', appSecret: 's', webhookSecrets: { signed: 'hook-secret' } });
    sender = larkCardSender(createLarkClient({ appId: 'cli_a', appSecret: 's', domain: feishu.url, mode: 'http', enabled: true }, silentLogger()), silentLogger(), metrics);
  });
  after(() => feishu.close());

  test('patch replaces the card in place; reply lands in its thread, once per uuid', async () => {
    const sent = await sender.sendToChat('oc_x', card('first'), 'pf-1');
    assert.equal(await sender.patch(sent!.messageId, card('second')), true);
    assert.equal(feishu.messagesFor('oc_x')[0]?.content.header.title.content, 'second');
    const r1 = await sender.reply(sent!.messageId, { text: 'lasted 5m' }, 'pf-r1');
    const r2 = await sender.reply(sent!.messageId, { text: 'lasted 5m' }, 'pf-r1');
    assert.equal(r1?.messageId, r2?.messageId);
    const replies = feishu.messagesFor('oc_x').filter((m) => m.parent_id === sent!.messageId);
    assert.deepEqual(replies.map((m) => m.content.text), ['lasted 5m']);
  });

  test('a 429 says when to come back (x-ogw-ratelimit-reset); a refused patch is permanent', async () => {
    feishu.failNext('send', { status: 429, rateLimitResetSeconds: 3 });
    const e = await failureOf(sender.sendToChat('oc_x', card('x'), 'pf-2'));
    assert.deepEqual([e.details.retryable, e.details.retryAfterMs, e.details.httpStatus], [true, 3000, 429]);
    feishu.failNext('patch', { code: 230031 });
    const p = await failureOf(sender.patch('om_whatever', card('y')));
    assert.equal(p.details.retryable, false);
    const text = await metrics.registry.metrics();
    assert.match(text, /promduty_feishu_requests_total\{op="send",outcome="rate_limited"\} 1/);
    assert.match(text, /promduty_feishu_requests_total\{op="patch",outcome="refused"\} 1/);
  });

  test('custom bot: signed when it has a secret, refusals classified like the app bot', async () => {
    const bot = webhookBotSender(metrics);
    await bot.send({ url: `${feishu.url}/open-apis/bot/v2/hook/signed`, secret: 'hook-secret' }, card('hooked'));
    assert.equal(feishu.messagesFor('hook:signed')[0]?.content.header.title.content, 'hooked');
    const bad = await failureOf(bot.send({ url: `${feishu.url}/open-apis/bot/v2/hook/signed`, secret: 'wrong' }, card('nope')));
    assert.deepEqual([bad.code, bad.details.feishuCode, bad.details.retryable], ['upstream_failed', 19021, false]);
    feishu.failNext('webhook', { status: 500 });
    const down = await failureOf(bot.send({ url: `${feishu.url}/open-apis/bot/v2/hook/signed`, secret: 'hook-secret' }, card('later')));
    assert.equal(down.details.retryable, true);
  });
});
