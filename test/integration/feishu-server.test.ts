import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as lark from '@larksuiteoapi/node-sdk';
import { ManualClock } from '../../src/core/clock';
import { signWebhook } from '../../src/core/webhook-sign';
import { FeishuServer } from '../../src/sandbox/feishu-server';

const APP_ID = 'cli_test_app';
const APP_SECRET = 'test-secret';
const CHAT = 'oc_ops_team';
const HOOK_SECRET = 'hook-secret';

// The SDK logs every failed request at error level; the tests assert on the errors instead.
const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

function clientFor(server: FeishuServer, appSecret = APP_SECRET): lark.Client {
  return new lark.Client({
    appId: APP_ID,
    appSecret,
    domain: server.url,
    cache: new lark.DefaultCache(),
    loggerLevel: lark.LoggerLevel.error,
    logger: quiet,
  });
}

const card = (title: string, text = 'details') => ({
  schema: '2.0',
  config: { update_multi: true },
  header: { template: 'red', title: { tag: 'plain_text', content: title } },
  body: { elements: [{ tag: 'markdown', content: text }] },
});

interface HttpFailure {
  response: { status: number; headers: Record<string, string>; data: { code: number; msg: string } };
}

/** The axios error the SDK rethrows, with its HTTP response. */
async function httpFailure(promise: Promise<unknown>): Promise<HttpFailure['response']> {
  try {
    await promise;
  } catch (e) {
    const response = (e as Partial<HttpFailure>).response;
    assert.ok(response, `expected an HTTP error response, got ${String(e)}`);
    return response;
  }
  assert.fail('expected the call to fail');
}

function sendCard(client: lark.Client, title: string, extra: { uuid?: string; receiveId?: string; text?: string } = {}) {
  return client.im.message.create({
    params: { receive_id_type: 'chat_id' },
    data: { receive_id: extra.receiveId ?? CHAT, msg_type: 'interactive', content: JSON.stringify(card(title, extra.text)), uuid: extra.uuid },
  });
}

async function postHook(server: FeishuServer, token: string, body: unknown): Promise<{ status: number; json: { code: number; msg: string } }> {
  const res = await fetch(`${server.url}/open-apis/bot/v2/hook/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { code: number; msg: string } };
}

describe('FeishuServer with the real SDK', () => {
  let server: FeishuServer;
  before(async () => {
    server = await FeishuServer.start({ appId: APP_ID, appSecret: APP_SECRET, webhookSecrets: { signed: HOOK_SECRET } });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  test('listens on 127.0.0.1 with an ephemeral port', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(server.url, 'http://127.0.0.1:0');
  });

  test('sends a card to a chat, fetching the token once', async () => {
    const client = clientFor(server);
    const first = await sendCard(client, 'CPU high');
    const second = await sendCard(client, 'Disk full');
    assert.equal(first.code, 0);
    assert.match(first.data?.message_id ?? '', /^om_/);
    assert.equal(first.data?.chat_id, CHAT);
    assert.deepEqual(JSON.parse(first.data?.body?.content ?? 'null'), card('CPU high'));

    const messages = server.messagesFor(CHAT);
    assert.deepEqual(messages.map((m) => m.content.header.title.content), ['CPU high', 'Disk full']);
    assert.equal(messages[0]?.message_id, first.data?.message_id);
    assert.equal(messages[1]?.message_id, second.data?.message_id);
    assert.equal(messages[0]?.via, 'app');

    assert.deepEqual(server.calls.map((c) => `${c.method} ${c.path}`), [
      'POST /open-apis/auth/v3/tenant_access_token/internal',
      'POST /open-apis/im/v1/messages',
      'POST /open-apis/im/v1/messages',
    ]);
    assert.deepEqual(server.calls[0]?.body, { app_id: APP_ID, app_secret: APP_SECRET });
    assert.equal(server.calls[1]?.query.receive_id_type, 'chat_id');
    assert.match(server.calls[1]?.headers.authorization ?? '', /^Bearer t-/);
  });

  test('a message to a user lands in a stable p2p chat', async () => {
    const client = clientFor(server);
    const send = () =>
      client.im.message.create({
        params: { receive_id_type: 'open_id' },
        data: { receive_id: 'ou_alice', msg_type: 'text', content: JSON.stringify({ text: 'you are on call' }) },
      });
    const [a, b] = [await send(), await send()];
    assert.match(a.data?.chat_id ?? '', /^oc_/);
    assert.equal(a.data?.chat_id, b.data?.chat_id);
    const messages = server.messagesFor('ou_alice');
    assert.equal(messages.length, 2);
    assert.deepEqual(messages[0]?.content, { text: 'you are on call' });
    assert.equal(messages[0]?.receive_id_type, 'open_id');
  });

  test('wrong app secret: the SDK throws and nothing is sent', async () => {
    const response = await httpFailure(sendCard(clientFor(server, 'wrong'), 'x'));
    assert.equal(response.data.code, 10014);
    assert.equal(server.messages().length, 0);
  });

  test('missing or unknown tenant token is refused with HTTP 400', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ receive_id: CHAT, msg_type: 'text', content: '{"text":"hi"}' }),
      });
    const missing = await post({});
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { code: number }).code, 99991661);
    const forged = await post({ authorization: 'Bearer t-forged' });
    assert.equal(forged.status, 400);
    assert.equal(((await forged.json()) as { code: number }).code, 99991663);
    assert.equal(server.messages().length, 0);
  });

  test('app_access_token/internal also answers a tenant token the API accepts', async () => {
    const res = await fetch(`${server.url}/open-apis/auth/v3/app_access_token/internal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: APP_ID, app_secret: APP_SECRET }),
    });
    const json = (await res.json()) as { code: number; app_access_token: string; tenant_access_token: string; expire: number };
    assert.equal(json.code, 0);
    assert.equal(json.expire, 7200);
    assert.match(json.app_access_token, /^t-/);
    const got = await fetch(`${server.url}/open-apis/im/v1/messages/om_missing`, { headers: { authorization: `Bearer ${json.tenant_access_token}` } });
    assert.equal(((await got.json()) as { code: number }).code, 230001, 'authorized, then not found');
  });

  test('a throwing change listener does not fail the call', async () => {
    const stop = server.onChange(() => {
      throw new Error('listener broke');
    });
    try {
      assert.equal((await sendCard(clientFor(server), 'still sent')).code, 0);
    } finally {
      stop();
    }
    assert.equal(server.messages().length, 1);
  });

  test('refuses a receive_id that does not match its type', async () => {
    const response = await httpFailure(sendCard(clientFor(server), 'x', { receiveId: 'ou_alice' }));
    assert.equal(response.status, 400);
    assert.equal(response.data.code, 230001);
  });

  test('reply threads under the root and stays in the chat', async () => {
    const client = clientFor(server);
    const root = await sendCard(client, 'Alert');
    const rootId = root.data?.message_id ?? '';
    const reply = await client.im.message.reply({
      path: { message_id: rootId },
      data: { msg_type: 'text', content: JSON.stringify({ text: 'claimed by Alice' }) },
    });
    const nested = await client.im.message.reply({
      path: { message_id: reply.data?.message_id ?? '' },
      data: { msg_type: 'text', content: JSON.stringify({ text: 'silenced 1h' }) },
    });
    assert.equal(reply.data?.root_id, rootId);
    assert.equal(reply.data?.parent_id, rootId);
    assert.equal(nested.data?.root_id, rootId);
    assert.equal(nested.data?.parent_id, reply.data?.message_id);
    assert.deepEqual(server.messagesFor(CHAT).map((m) => m.content.text ?? 'card'), ['card', 'claimed by Alice', 'silenced 1h']);
  });

  test('patch replaces the card; GET returns the new state; unknown ids fail', async () => {
    const client = clientFor(server);
    const sent = await sendCard(client, 'Firing');
    const id = sent.data?.message_id ?? '';
    const patched = await client.im.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('Resolved')) } });
    assert.equal(patched.code, 0);
    const [message] = server.messages();
    assert.equal(message?.content.header.title.content, 'Resolved');
    assert.ok((message?.updated_at ?? 0) >= (message?.created_at ?? Infinity));

    const got = await client.im.message.get({ path: { message_id: id } });
    assert.equal(JSON.parse(got.data?.items?.[0]?.body?.content ?? '{}').header.title.content, 'Resolved');

    const unknown = await httpFailure(client.im.message.patch({ path: { message_id: 'om_nope' }, data: { content: JSON.stringify(card('x')) } }));
    assert.equal(unknown.status, 400);
    assert.equal(unknown.data.code, 230001);
  });

  test('urgent_app records the buzzed users and reports invalid ids', async () => {
    const client = clientFor(server);
    const sent = await sendCard(client, 'Escalated');
    const res = await client.im.message.urgentApp({
      path: { message_id: sent.data?.message_id ?? '' },
      params: { user_id_type: 'open_id' },
      data: { user_id_list: ['ou_alice', 'not-an-open-id', 'ou_bob'] },
    });
    assert.equal(res.code, 0);
    assert.deepEqual(res.data?.invalid_user_id_list, ['not-an-open-id']);
    assert.deepEqual(server.messages()[0]?.urgent, ['ou_alice', 'ou_bob']);
    assert.equal(server.calls.at(-1)?.path, `/open-apis/im/v1/messages/${sent.data?.message_id}/urgent_app`);
  });

  test('the same uuid returns the same message and sends nothing new', async () => {
    const client = clientFor(server);
    const a = await sendCard(client, 'once', { uuid: 'event-42-fired' });
    const b = await sendCard(client, 'once', { uuid: 'event-42-fired' });
    const c = await sendCard(client, 'other', { uuid: 'event-43-fired' });
    assert.equal(a.data?.message_id, b.data?.message_id);
    assert.notEqual(a.data?.message_id, c.data?.message_id);
    assert.equal(server.messages().length, 2);
  });

  test('429 surfaces as an axios error carrying x-ogw-ratelimit-reset, once', async () => {
    const client = clientFor(server);
    server.failNext('send', { status: 429, rateLimitResetSeconds: 7 });
    const response = await httpFailure(sendCard(client, 'burst'));
    assert.equal(response.status, 429);
    assert.equal(response.headers['x-ogw-ratelimit-reset'], '7');
    assert.equal(response.data.code, 99991400);
    assert.equal((await sendCard(client, 'after')).code, 0);
    assert.deepEqual(server.messages().map((m) => m.content.header.title.content), ['after']);
  });

  test('business codes: HTTP 400 throws like Feishu does, status 200 resolves with code != 0', async () => {
    const client = clientFor(server);
    server.failNext('send', { code: 230020 }, 2);
    for (let i = 0; i < 2; i++) {
      const response = await httpFailure(sendCard(client, 'limited'));
      assert.equal(response.status, 400);
      assert.equal(response.data.code, 230020);
    }
    server.failNext('send', { status: 200, code: 230002, msg: 'bot is not in the chat' });
    const resolved = await sendCard(client, 'not in chat');
    assert.equal(resolved.code, 230002);
    assert.equal(resolved.msg, 'bot is not in the chat');
    assert.equal(server.messages().length, 0);
    assert.equal((await sendCard(client, 'fine')).code, 0);
  });

  test('a token fault fails the first SDK call; the next one fetches a token again', async () => {
    const client = clientFor(server);
    server.failNext('token', { status: 503 });
    assert.equal((await httpFailure(sendCard(client, 'x'))).status, 503);
    assert.equal((await sendCard(client, 'y')).code, 0);
    assert.equal(server.calls.filter((c) => c.path.endsWith('/tenant_access_token/internal')).length, 2);
  });

  test('enforces the 30 KB body limit for cards, on send and on patch', async () => {
    const client = clientFor(server);
    // The SDK body is {receive_id, msg_type, content}; pad the markdown to land either side of 30 KB.
    const overhead = JSON.stringify({ receive_id: CHAT, msg_type: 'interactive', content: JSON.stringify(card('big', '')) }).length;
    const under = 30 * 1024 - overhead - 10;
    const fits = await sendCard(client, 'big', { text: 'a'.repeat(under) });
    assert.equal(fits.code, 0);
    const tooBig = await httpFailure(sendCard(client, 'big', { text: 'a'.repeat(under + 20) }));
    assert.equal(tooBig.data.code, 230025);

    const id = fits.data?.message_id ?? '';
    const patchTooBig = await httpFailure(
      client.im.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('big', 'b'.repeat(31 * 1024))) } }),
    );
    assert.equal(patchTooBig.data.code, 230025);
    assert.equal(server.messages().length, 1);
    assert.equal(server.messages()[0]?.content.body.elements[0].content, 'a'.repeat(under));
  });

  test('refuses a card element without a tag (230099)', async () => {
    const client = clientFor(server);
    const bad = { schema: '2.0', body: { elements: [{ tag: 'column_set', columns: [{ tag: 'column', elements: [{ content: 'no tag' }] }] }] } };
    const response = await httpFailure(
      client.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: CHAT, msg_type: 'interactive', content: JSON.stringify(bad) } }),
    );
    assert.equal(response.data.code, 230099);
    assert.match(response.data.msg, /elements\[0\] has no tag/);
  });

  test('webhook bot: good signature accepted, bad or stale signature refused with 19021', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = await postHook(server, 'signed', { timestamp: String(now), sign: signWebhook(HOOK_SECRET, now), msg_type: 'interactive', card: card('Hook alert') });
    assert.equal(good.status, 200);
    assert.equal(good.json.code, 0);

    const wrongSecret = await postHook(server, 'signed', { timestamp: String(now), sign: signWebhook('other', now), msg_type: 'interactive', card: card('x') });
    const stale = now - 2 * 3600;
    const tooOld = await postHook(server, 'signed', { timestamp: String(stale), sign: signWebhook(HOOK_SECRET, stale), msg_type: 'interactive', card: card('x') });
    const unsigned = await postHook(server, 'signed', { msg_type: 'text', content: { text: 'x' } });
    for (const refused of [wrongSecret, tooOld, unsigned]) {
      assert.equal(refused.status, 200);
      assert.equal(refused.json.code, 19021);
    }

    const open = await postHook(server, 'open', { msg_type: 'text', content: { text: 'no secret configured' } });
    assert.equal(open.json.code, 0);

    const hooked = server.messagesFor('hook:signed');
    assert.deepEqual(hooked.map((m) => m.content.header.title.content), ['Hook alert']);
    assert.equal(hooked[0]?.via, 'webhook');
    assert.deepEqual(server.messagesFor('hook:open').map((m) => m.content), [{ text: 'no secret configured' }]);
  });

  test('webhook faults and the webhook body limit', async () => {
    server.failNext('webhook', { code: 11232, msg: 'frequency limited' });
    const limited = await postHook(server, 'open', { msg_type: 'text', content: { text: 'x' } });
    assert.deepEqual([limited.status, limited.json.code], [200, 11232]);
    const huge = await postHook(server, 'open', { msg_type: 'text', content: { text: 'x'.repeat(21 * 1024) } });
    assert.notEqual(huge.json.code, 0);
    assert.equal(server.messages().length, 0);
  });

  test('waitFor resolves on a later message and times out with a report of what is there', async () => {
    const client = clientFor(server);
    const waiting = server.waitFor((ms) => ms.some((m) => m.content.header?.title?.content === 'late'));
    setTimeout(() => void sendCard(client, 'late'), 20);
    await waiting;
    await assert.rejects(server.waitFor((ms) => ms.length > 5, 50), (e: Error) => {
      assert.match(e.message, /not met within 50 ms/);
      assert.match(e.message, /1 message\(s\)/);
      assert.match(e.message, /interactive → oc_ops_team: late/);
      return true;
    });
  });

  test('onChange hears messages; reset clears state but keeps tokens valid', async () => {
    const client = clientFor(server);
    let changes = 0;
    const stop = server.onChange(() => changes++);
    await sendCard(client, 'before reset');
    assert.ok(changes > 0);
    stop();
    const seen = changes;
    server.failNext('send', { code: 230020 });
    server.reset();
    assert.equal(server.messages().length, 0);
    assert.equal(server.calls.length, 0);
    assert.equal((await sendCard(client, 'after reset')).code, 0, 'pending fault cleared, cached token still valid');
    assert.equal(changes, seen);
    assert.deepEqual(server.calls.map((c) => c.path), ['/open-apis/im/v1/messages']);
  });

  test('unknown endpoints answer 404 with a hint', async () => {
    const res = await fetch(`${server.url}/open-apis/im/v1/chats`);
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { msg: string }).msg, /no route for GET \/open-apis\/im\/v1\/chats/);
  });
});

describe('FeishuServer on a manual clock', () => {
  let server: FeishuServer;
  const clock = new ManualClock('2026-03-01T00:00:00Z');
  before(async () => {
    server = await FeishuServer.start({ clock, webhookSecrets: { signed: HOOK_SECRET } });
  });
  after(() => server.close());

  test('uuid dedupe lasts one hour', async () => {
    const client = clientFor(server);
    const a = await sendCard(client, 'x', { uuid: 'u-1' });
    clock.advance(59 * 60 * 1000);
    assert.equal((await sendCard(client, 'x', { uuid: 'u-1' })).data?.message_id, a.data?.message_id);
    clock.advance(60 * 1000);
    assert.notEqual((await sendCard(client, 'x', { uuid: 'u-1' })).data?.message_id, a.data?.message_id);
    assert.equal(server.messages().length, 2);
  });

  test('cards can be patched for 14 days only', async () => {
    const id = (await sendCard(clientFor(server), 'old')).data?.message_id ?? '';
    clock.advance(14 * 24 * 3600 * 1000);
    // A new client: the first one's token expired on the server clock while the SDK's cache runs on real time.
    const client = clientFor(server);
    const patch = () => client.im.message.patch({ path: { message_id: id }, data: { content: JSON.stringify(card('new')) } });
    assert.equal((await patch()).code, 0);
    clock.advance(1000);
    assert.equal((await httpFailure(patch())).data.code, 230031);
  });

  test('tokens expire after two hours', async () => {
    const fresh = clientFor(server);
    assert.equal((await sendCard(fresh, 'x')).code, 0);
    const token = server.calls.at(-1)?.headers.authorization ?? '';
    clock.advance(2 * 3600 * 1000);
    const res = await fetch(`${server.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body: JSON.stringify({ receive_id: CHAT, msg_type: 'text', content: '{"text":"late"}' }),
    });
    assert.equal(((await res.json()) as { code: number }).code, 99991663);
  });

  test('webhook timestamps are judged by the server clock', async () => {
    const ts = Math.floor(clock.now().getTime() / 1000);
    const body = { timestamp: ts, sign: signWebhook(HOOK_SECRET, ts), msg_type: 'text', content: { text: 'x' } };
    assert.equal((await postHook(server, 'signed', body)).json.code, 0);
    clock.advance(3601 * 1000);
    assert.equal((await postHook(server, 'signed', body)).json.code, 19021);
  });
});
