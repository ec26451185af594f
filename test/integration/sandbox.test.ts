import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import * as lark from '@larksuiteoapi/node-sdk';
import { createLogger } from '../../src/core/logger';
import { createLarkClient } from '../../src/feishu/client';
import { larkCardSender } from '../../src/feishu/send';
import type { FeishuSandbox } from '../../src/sandbox/sandbox';
import { startTestApp, type TestApp } from '../support/app';
import { PATIENCE_MS, waitFor } from '../support/processes';

const CHAT = 'oc_sbx_ops';
const card = (title: string) => ({
  schema: '2.0',
  config: { update_multi: true },
  header: { template: 'red', title: { tag: 'plain_text', content: title } },
  body: { elements: [{ tag: 'button', text: { tag: 'plain_text', content: 'Claim' }, type: 'primary', behaviors: [{ type: 'callback', value: { a: 'claim', e: 1 } }] }] },
});
const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

/**
 * A stand-in for promduty's receiver built on the SDK's own EventDispatcher: it only sees
 * what passes the SDK's signature check and decryption with the sandbox's keys.
 */
async function fakeReceiver(t: TestApp, onMessage: (data: any) => Promise<void>): Promise<{ url: string; cards: any[]; server: Server }> {
  const { encryptKey, verificationToken } = t.app.settings.feishu;
  const cards: any[] = [];
  const dispatcher = new lark.EventDispatcher({ encryptKey, verificationToken, logger: quiet }).register({
    'im.message.receive_v1': onMessage,
    'card.action.trigger': async (data: any) => {
      cards.push(data);
      return { toast: { type: 'success', content: `claimed by ${data.operator.open_id}` }, card: { type: 'raw', data: card('Claimed') } };
    },
  } as any);
  const handlers = [lark.adaptDefault('/feishu/events', dispatcher), lark.adaptDefault('/feishu/cards', dispatcher)];
  const server = createServer((req, res) => handlers.forEach((h) => void h(req, res))).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, cards, server };
}

describe('the built-in Feishu sandbox', () => {
  let t: TestApp;
  let sandbox: FeishuSandbox;
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await t.api(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  // promduty's own sender, SDK client and settings: the path alert cards take.
  const sendCard = (title: string) => larkCardSender(createLarkClient(t.app.settings.feishu, createLogger('silent')), createLogger('silent')).sendToChat(CHAT, card(title), `u-${title}`);

  before(async () => {
    // On every interface, so the loopback-only rule can be seen from another address.
    t = await startTestApp({ env: { HOST: '0.0.0.0' } });
    assert.ok(t.app.sandbox, 'no Feishu credentials: the sandbox runs');
    sandbox = t.app.sandbox;
    await ok('POST', '/api/v1/users', { name: 'alice', feishuOpenId: 'ou_alice', role: 'editor' });
    await ok('POST', '/api/v1/users', { name: 'bob', feishuOpenId: 'ou_bob' });
    const cluster = await ok('POST', '/api/v1/alertmanager-clusters', { name: 'sbx' });
    await ok('POST', '/api/v1/send-groups', { name: 'ops', alertmanagerClusterId: cluster.id, feishuChatId: CHAT });
  });
  after(() => t.close());

  test('the SDK client points at the sandbox with its credentials', () => {
    assert.equal(t.app.settings.feishu.domain, sandbox.url);
    assert.ok(t.app.settings.feishu.encryptKey, 'callbacks are signed with an encrypt key');
  });

  test('the page and its assets are served; unknown assets are not', async () => {
    const page = await fetch(`${t.url}/sandbox`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /Feishu sandbox/);
    for (const asset of ['app.js', 'card.js', 'controls.js', 'markdown.js', 'mentions.js', 'sandbox.css']) {
      assert.equal((await fetch(`${t.url}/sandbox/assets/${asset}`)).status, 200, asset);
    }
    assert.equal((await fetch(`${t.url}/sandbox/assets/..%2F..%2Fmain.ts`)).status, 404);
  });

  test('state lists the send group chat and each user\'s private chat; a card sent through the SDK shows up', async () => {
    const sent = await sendCard('Disk full');
    const state = (await t.api('GET', '/sandbox/api/state', undefined, null)).body;
    assert.deepEqual(state.chats[0], { id: CHAT, kind: 'group', title: 'ops (send group)', subtitle: 'group chat' });
    assert.deepEqual(state.chats.filter((c: any) => c.kind === 'p2p').map((c: any) => c.title), ['alice', 'bob']);
    assert.deepEqual(state.users.map((u: any) => u.openId), ['ou_alice', 'ou_bob']);
    const message = state.messages.find((m: any) => m.message_id === sent?.messageId);
    assert.equal(message.content.header.title.content, 'Disk full');
  });

  test('the event stream announces new messages', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${t.url}/sandbox/api/events`, { signal: ctrl.signal });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    let seen = '';
    const announced = (async () => {
      while (!seen.includes('event: change')) seen += new TextDecoder().decode((await reader.read()).value);
    })();
    await sendCard('CPU hot');
    await Promise.race([announced, new Promise((_, reject) => setTimeout(() => reject(new Error(`no change event: ${seen}`)), PATIENCE_MS))]);
    ctrl.abort();
  });

  test('a click goes out signed as card.action.trigger; the card in the answer replaces the clicked one', async () => {
    const receiver = await fakeReceiver(t, async () => undefined);
    try {
      const sent = await sendCard('Act on me');
      const alice = { name: 'alice', role: 'editor', openId: 'ou_alice' };
      const outcome = await sandbox.act(receiver.url, alice, sent!.messageId, { tag: 'button', value: { a: 'claim', e: 1 } });
      assert.deepEqual(outcome, { status: 200, toast: { type: 'success', content: 'claimed by ou_alice' }, cardUpdated: true });
      assert.deepEqual(receiver.cards[0].action.value, { a: 'claim', e: 1 });
      assert.equal(receiver.cards[0].context.open_chat_id, CHAT);
      const now = sandbox.server.messages().find((m) => m.message_id === sent!.messageId);
      assert.equal(now?.content.header.title.content, 'Claimed');
    } finally {
      receiver.server.close();
    }
  });

  test('a typed command is stored as the user\'s message and delivered; the bot may reply to it', async () => {
    const { appId = '', appSecret = '' } = t.app.settings.feishu;
    const client = new lark.Client({ appId, appSecret, domain: sandbox.url, cache: new lark.DefaultCache(), logger: quiet });
    const receiver = await fakeReceiver(t, async (data: any) => {
      await client.im.message.reply({
        path: { message_id: data.message.message_id },
        data: { msg_type: 'text', content: JSON.stringify({ text: `you said ${JSON.parse(data.message.content).text}` }) },
      });
    });
    try {
      const bob = { name: 'bob', role: 'viewer', openId: 'ou_bob' };
      const p2p = sandbox.server.p2pChatOf('ou_bob');
      assert.equal((await sandbox.say(receiver.url, bob, p2p, '/oncall')).status, 200);
      await waitFor('the reply', async () => sandbox.server.messagesFor(p2p).some((m) => m.content.text === 'you said /oncall'));
      const [asked, replied] = sandbox.server.messagesFor(p2p);
      assert.equal(asked?.via, 'user');
      assert.equal(replied?.parent_id, asked?.message_id);
      assert.equal(replied?.receive_id, 'ou_bob', 'the reply lands in bob\'s chat like a send to bob');
      await assert.rejects(sandbox.say(receiver.url, { ...bob, openId: 'ou_alice', name: 'alice' }, p2p, 'hi'), /not alice's/);
    } finally {
      receiver.server.close();
    }
  });

  const outside = Object.values(networkInterfaces()).flat().find((i) => i?.family === 'IPv4' && !i.internal)?.address;
  test('clients not on loopback are refused (FEISHU_SANDBOX=auto)', { skip: !outside && 'no non-loopback IPv4 address' }, async () => {
    const base = `http://${outside}:${new URL(t.url).port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'promduty itself answers there');
    const res = await fetch(`${base}/sandbox/api/state`);
    assert.equal(res.status, 403);
    assert.match(((await res.json()) as any).error.message, /loopback clients only/);
  });

  test('the endpoints validate what the page sends', async () => {
    const bad = await t.api('POST', '/sandbox/api/messages', { openId: 'alice', chatId: CHAT, text: '/help' }, null);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].path, 'openId');
    const noCard = await t.api('POST', '/sandbox/api/actions', { openId: 'ou_alice', messageId: 'om_nope', action: { tag: 'button' } }, null);
    assert.equal(noCard.status, 400);
    assert.match(noCard.body.error.message, /no card om_nope/);
  });
});
