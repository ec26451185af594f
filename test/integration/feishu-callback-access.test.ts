import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { textCard } from '../../src/cards/text-card';
import { SANDBOX_CREDENTIALS } from '../../src/config/feishu-sandbox';
import { silentLogger } from '../../src/core/logger';
import { createLarkClient } from '../../src/feishu/client';
import { larkCardSender } from '../../src/feishu/send';
import { cardActionEvent, encryptBody, messageEvent, signRequest, type AppKeys } from '../../src/sandbox/callbacks';
import { startTestApp, type TestApp } from '../support/app';

/**
 * The public sandbox keys are no way in: with no Feishu app configured (the sandbox stands
 * in), a request from an address that is not loopback, encrypted and signed with the public
 * sandbox encrypt key exactly as Feishu would sign it, is refused (403) and changes nothing;
 * the very same request from loopback (the sandbox page) works.
 *
 * "Not loopback" needs a second address on this machine: promduty listens on 0.0.0.0 and the
 * test connects to the machine's own non-loopback IPv4 address (eth0 here), so the socket's
 * peer address is that address, as it would be for a stranger on the network.
 */
const outside = Object.values(networkInterfaces()).flat().find((i) => i?.family === 'IPv4' && !i.internal)?.address;
const skip = !outside && 'this machine has no non-loopback IPv4 address to connect from';
const CHAT = 'oc_access_ops';
const PUBLIC_KEYS: AppKeys = { appId: SANDBOX_CREDENTIALS.appId, encryptKey: SANDBOX_CREDENTIALS.encryptKey, verificationToken: SANDBOX_CREDENTIALS.verificationToken };

const viaOutside = (t: TestApp) => `http://${outside}:${new URL(t.url).port}`;

async function post(base: string, path: string, keys: AppKeys, payload: object, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const signed = signRequest(keys, payload, new Date());
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...signed.headers, ...headers }, body: signed.body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The url_verification challenge as Feishu sends it: encrypted with `key`, unsigned. */
async function challenge(base: string, key: string, token: string): Promise<{ status: number; body: any }> {
  const body = JSON.stringify({ encrypt: encryptBody(key, JSON.stringify({ challenge: 'ch-1', token, type: 'url_verification' })) });
  const res = await fetch(`${base}/feishu/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, body: await res.json() };
}

describe('Feishu callbacks signed with the public sandbox keys (FEISHU_SANDBOX=auto, no app)', { skip, timeout: 120_000 }, () => {
  let t: TestApp;
  let eventId: number;
  let messageId: string;
  let eve: number;

  before(async () => {
    t = await startTestApp({ env: { HOST: '0.0.0.0' } });
    assert.ok(t.app.sandbox, 'no Feishu app: the sandbox runs with its public keys');
    assert.equal(t.app.settings.feishu.encryptKey, SANDBOX_CREDENTIALS.encryptKey);
    const created = async (path: string, body: object) => {
      const r = await t.api('POST', path, body);
      assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
      return r.body.id as number;
    };
    eve = await created('/api/v1/users', { name: 'eve', role: 'editor', feishuOpenId: 'ou_eve' });
    const cluster = await created('/api/v1/alertmanager-clusters', { name: 'am' });
    const group = await created('/api/v1/send-groups', { name: 'ops', alertmanagerClusterId: cluster, feishuChatId: CHAT });
    const now = new Date();
    [eventId] = (await t.app.db('alert_events').insert({
      fingerprint: 'access-1', starts_at: now, alertname: 'DiskFull', send_group_id: group, status: 'firing', severity: 'critical',
      labels: JSON.stringify({ alertname: 'DiskFull' }), first_seen_at: now, last_seen_at: now, escalation_id: 'esc-access-1',
    })) as [number];
    const logger = silentLogger();
    const sent = await larkCardSender(createLarkClient(t.app.settings.feishu, logger), logger).sendToChat(CHAT, textCard({ title: 'DiskFull', markdown: 'firing' }), `ev-${eventId}`);
    messageId = sent!.messageId;
  });
  after(() => t?.close(), { timeout: 60_000 });

  type Payload = { header: { event_id: string } };
  const claimClick = () =>
    cardActionEvent(PUBLIC_KEYS, { operator: { openId: 'ou_eve' }, messageId, chatId: CHAT, action: { tag: 'button', value: { a: 'claim', e: eventId } }, now: new Date() }) as Payload;
  const message = (text: string) =>
    messageEvent(PUBLIC_KEYS, { operator: { openId: 'ou_eve' }, chatId: 'oc_p2p_eve', chatType: 'p2p', messageId: `om_${Date.now()}`, text, now: new Date() }) as Payload;
  const taken = async (feishuEventId: string) => (await t.app.redis.exists(`feishu:event:${feishuEventId}`)) === 1;
  const claimedBy = async () => (await t.app.db('alert_events').where({ id: eventId }).first()).claimed_by as number | null;

  test('a Claim click from outside loopback is a 403 and changes nothing; the same click from loopback claims', async () => {
    const payload = claimClick();
    const refused = await post(viaOutside(t), '/feishu/cards', PUBLIC_KEYS, payload);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'forbidden');
    assert.match(refused.body.error.message, /loopback clients only/);
    assert.equal(await claimedBy(), null, 'not claimed');
    assert.equal(await taken(payload.header.event_id), false, 'the event id was not even taken');
    assert.deepEqual(await t.app.db('event_timeline').where({ event_id: eventId }), [], 'nothing on the timeline');

    const forwarded = await post(viaOutside(t), '/feishu/cards', PUBLIC_KEYS, payload, { 'x-forwarded-for': '127.0.0.1' });
    assert.equal(forwarded.status, 403, 'X-Forwarded-For does not make a client local');
    assert.equal(await claimedBy(), null);

    // The very same (valid) request from loopback: the 403 above was the address, nothing else.
    const local = await post(t.url, '/feishu/cards', PUBLIC_KEYS, payload);
    assert.equal(local.status, 200, JSON.stringify(local.body));
    assert.equal(await claimedBy(), eve);
  });

  test('a command message and the challenge from outside are refused too', async () => {
    const msg = message(`/claim ${eventId}`);
    const refused = await post(viaOutside(t), '/feishu/events', PUBLIC_KEYS, msg);
    assert.equal(refused.status, 403);
    assert.equal(await taken(msg.header.event_id), false, 'the message never reached the dispatcher');
    assert.equal((await challenge(viaOutside(t), SANDBOX_CREDENTIALS.encryptKey, SANDBOX_CREDENTIALS.verificationToken)).status, 403);
    assert.deepEqual(await challenge(t.url, SANDBOX_CREDENTIALS.encryptKey, SANDBOX_CREDENTIALS.verificationToken), { status: 200, body: { challenge: 'ch-1' } });
  });
});

describe('the loopback rule follows the key, and FEISHU_SANDBOX=on opens it', { skip, timeout: 120_000 }, () => {
  test('an own FEISHU_ENCRYPT_KEY with the sandbox: callbacks from anywhere, verified by that key only', async () => {
    const t = await startTestApp({ env: { HOST: '0.0.0.0', FEISHU_ENCRYPT_KEY: 'a-private-encrypt-key' } });
    try {
      assert.ok(t.app.sandbox);
      assert.deepEqual(await challenge(viaOutside(t), 'a-private-encrypt-key', SANDBOX_CREDENTIALS.verificationToken), { status: 200, body: { challenge: 'ch-1' } });
      const publicKey = await challenge(viaOutside(t), SANDBOX_CREDENTIALS.encryptKey, SANDBOX_CREDENTIALS.verificationToken);
      assert.equal(publicKey.status, 401, 'the public key verifies nothing then');
      assert.equal((await fetch(`${viaOutside(t)}/sandbox/api/state`)).status, 403, 'the sandbox page stays loopback-only');
    } finally {
      await t.close();
    }
  });

  test('FEISHU_SANDBOX=on: the page and the callbacks answer every client', async () => {
    const t = await startTestApp({ env: { HOST: '0.0.0.0', FEISHU_SANDBOX: 'on' } });
    try {
      assert.deepEqual(await challenge(viaOutside(t), SANDBOX_CREDENTIALS.encryptKey, SANDBOX_CREDENTIALS.verificationToken), { status: 200, body: { challenge: 'ch-1' } });
      assert.equal((await fetch(`${viaOutside(t)}/sandbox/api/state`)).status, 200);
    } finally {
      await t.close();
    }
  });
});
