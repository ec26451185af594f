import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FeishuServer } from '../../src/sandbox/feishu-server';
import { startTestApp, type TestApp } from '../support/app';
import { FeishuCaller } from '../support/feishu-callbacks';

const APP = { appId: 'cli_token', appSecret: 'token-secret' };
const TOKEN = 'plain-verification-token';

/** Without an encrypt key Feishu sends plain JSON and only the verification token vouches for it. */
describe('ChatOps with a verification token only (plain callbacks)', () => {
  let feishu: FeishuServer;
  let t: TestApp;
  let ok: FeishuCaller;
  let forger: FeishuCaller;

  before(async () => {
    feishu = await FeishuServer.start(APP);
    t = await startTestApp({
      env: { FEISHU_DOMAIN: feishu.url, FEISHU_APP_ID: APP.appId, FEISHU_APP_SECRET: APP.appSecret, FEISHU_VERIFICATION_TOKEN: TOKEN },
    });
    ok = new FeishuCaller(t.url, { appId: APP.appId, verificationToken: TOKEN });
    forger = new FeishuCaller(t.url, { appId: APP.appId, verificationToken: 'guessed' });
    await t.api('POST', '/api/v1/users', { name: 'eve', role: 'editor', feishuOpenId: 'ou_eve' });
  });
  after(async () => {
    await t?.close();
    await feishu?.close();
  });

  const challenge = (token: string) =>
    fetch(`${t.url}/feishu/cards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ challenge: 'plain-ch', token, type: 'url_verification' }),
    });

  test('the challenge is answered only with the right token', async () => {
    const good = await challenge(TOKEN);
    assert.deepEqual([good.status, await good.json()], [200, { challenge: 'plain-ch' }]);
    assert.equal((await challenge('nope')).status, 401);
  });

  test('a message with the right token is answered; one with a wrong token is refused and never runs', async () => {
    const where = { chatId: 'oc_token_room', chatType: 'group' as const };
    const refused = await forger.say('ou_eve', '/whoami', where);
    assert.equal(refused.status, 401);
    const accepted = await ok.say('ou_eve', '/whoami', where);
    assert.deepEqual([accepted.status, accepted.body], [200, {}]);
    await feishu.waitFor((ms) => ms.some((m) => m.content?.header?.title?.content === 'You are eve'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(feishu.messagesFor('oc_token_room').filter((m) => m.via === 'app').length, 1, 'only the genuine message got a reply');
  });

  test('a card callback with a wrong token is refused; with the right one it is answered', async () => {
    const action = { tag: 'button', value: { a: 'claim', e: 424242 } };
    assert.equal((await forger.click('ou_eve', 'om_x', 'oc_token_room', action)).status, 401);
    const answer = await ok.click('ou_eve', 'om_x', 'oc_token_room', action);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.toast, { type: 'error', content: 'There is no alert event "424242".' });
  });
});
