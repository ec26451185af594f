import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as lark from '@larksuiteoapi/node-sdk';
import { isAppError } from '../../src/core/errors';
import type { SendFailure } from '../../src/core/ports';
import { larkBuzzer, larkCardSender } from '../../src/feishu/send';
import { judgeBuzzFailure, type BuzzOutcome } from '../../src/paging/buzz-errors';
import type { BuzzKind } from '../../src/paging/model';
import { DEFAULT_BUZZ_POLICY } from '../../src/sandbox/feishu-buzz';
import { FeishuServer } from '../../src/sandbox/feishu-server';

const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
const silentLogger = { info() {}, warn() {}, error() {} } as never;
const ALICE = 'ou_alice';

/**
 * The buzz endpoints of the local Feishu server through the real SDK and promduty's adapter:
 * each refusal Feishu documents comes back as the code promduty judges, and the server records
 * what it accepted.
 */
describe('Feishu buzz (urgent_app / urgent_sms / urgent_phone)', { timeout: 60_000 }, () => {
  let server: FeishuServer;
  let client: lark.Client;
  before(async () => {
    server = await FeishuServer.start({ appId: 'cli_buzz', appSecret: 's' });
    client = new lark.Client({ appId: 'cli_buzz', appSecret: 's', domain: server.url, cache: new lark.DefaultCache(), loggerLevel: lark.LoggerLevel.error, logger: quiet });
  });
  after(() => server.close());
  beforeEach(() => {
    server.reset();
    Object.assign(server.buzzPolicy, structuredClone(DEFAULT_BUZZ_POLICY));
  });

  const card = { schema: '2.0', header: { title: { tag: 'plain_text', content: 'CpuHigh' } }, body: { elements: [{ tag: 'markdown', content: 'x' }] } };
  const privateCard = async (to = ALICE) => (await larkCardSender(client, silentLogger).sendToUser(to, card, `u-${to}-${Math.random()}`))!.messageId;
  const buzzer = () => larkBuzzer(client, silentLogger);

  /** The verdict promduty reaches on a refused buzz. */
  async function refusal(messageId: string, kind: BuzzKind, ids = [ALICE]): Promise<{ code: number | null; outcome: BuzzOutcome; fallback: boolean }> {
    try {
      await buzzer().buzz(messageId, ids, kind);
    } catch (e) {
      assert.ok(isAppError(e) && e.code === 'upstream_failed', String(e));
      const f = e.details as SendFailure;
      const v = judgeBuzzFailure(f, kind);
      return { code: f.feishuCode, outcome: v.outcome, fallback: v.fallback };
    }
    assert.fail('expected the buzz to be refused');
  }

  test('each kind is recorded on the private message, by person and kind', async () => {
    const id = await privateCard();
    for (const kind of ['app', 'sms', 'phone'] as const) assert.deepEqual(await buzzer().buzz(id, [ALICE], kind), { invalid: [] });
    const [m] = server.messages();
    assert.deepEqual(m?.buzzes?.map((b) => [b.kind, b.openId]), [['app', ALICE], ['sms', ALICE], ['phone', ALICE]]);
    assert.deepEqual(server.calls.slice(-3).map((c) => [c.method, c.path.split('/').pop(), c.query.user_id_type, c.body.user_id_list]), [
      ['PATCH', 'urgent_app', 'open_id', [ALICE]],
      ['PATCH', 'urgent_sms', 'open_id', [ALICE]],
      ['PATCH', 'urgent_phone', 'open_id', [ALICE]],
    ]);
  });

  test('someone outside the private chat is reported invalid; nobody valid is 230001', async () => {
    const id = await privateCard();
    assert.deepEqual(await buzzer().buzz(id, [ALICE, 'ou_bob'], 'app'), { invalid: ['ou_bob'] });
    assert.deepEqual(await refusal(id, 'app', ['ou_bob']), { code: 230001, outcome: 'not_buzzable', fallback: false });
  });

  test('SMS or phone without its scope (tenant does not allow it): 99991672, falls back; app does not', async () => {
    server.buzzPolicy.scopes.phone = false;
    server.buzzPolicy.scopes.app = false;
    const id = await privateCard();
    assert.deepEqual(await refusal(id, 'phone'), { code: 99991672, outcome: 'no_scope', fallback: true });
    assert.deepEqual(await refusal(id, 'app'), { code: 99991672, outcome: 'no_scope', fallback: false });
  });

  test('the paid quota runs out: 230024 on SMS and phone, app buzzes still work', async () => {
    server.buzzPolicy.paidQuota = 1;
    const id = await privateCard();
    await buzzer().buzz(id, [ALICE], 'sms');
    assert.deepEqual(await refusal(id, 'phone'), { code: 230024, outcome: 'quota', fallback: true });
    assert.deepEqual(await buzzer().buzz(id, [ALICE], 'app'), { invalid: [] });
  });

  test("a person's unread buzzes are capped: 230023 until they read them", async () => {
    server.buzzPolicy.unreadCap = 2;
    const id = await privateCard();
    await buzzer().buzz(id, [ALICE], 'app');
    await buzzer().buzz(id, [ALICE], 'app');
    assert.deepEqual(await refusal(id, 'phone'), { code: 230023, outcome: 'unread_cap', fallback: false });
    server.readBuzzes(ALICE);
    assert.deepEqual(await buzzer().buzz(id, [ALICE], 'app'), { invalid: [] });
  });

  test("only the bot's own messages: a user's message is 230012, an unknown one 230001", async () => {
    const mine = server.postAsUser({ chatId: server.p2pChatOf(ALICE), chatType: 'p2p', openId: ALICE, text: 'hi' });
    assert.deepEqual(await refusal(mine.message_id, 'app'), { code: 230012, outcome: 'not_buzzable', fallback: false });
    assert.deepEqual(await refusal('om_unknown', 'app'), { code: 230001, outcome: 'not_buzzable', fallback: false });
  });

  test("a group that lets only owners and admins buzz: 230052 on the group's card", async () => {
    server.buzzPolicy.groupMembersMayBuzz = false;
    const group = (await larkCardSender(client, silentLogger).sendToChat('oc_ops', card, 'g-1'))!.messageId;
    assert.deepEqual(await refusal(group, 'app'), { code: 230052, outcome: 'no_permission', fallback: false });
    assert.deepEqual(await buzzer().buzz(await privateCard(), [ALICE], 'app'), { invalid: [] });
  });

  test('parameters: user_id_type required, at most 200 ids (99992402); 429 is retried', async () => {
    const id = await privateCard();
    const many = Array.from({ length: 201 }, (_, i) => `ou_${i}`);
    assert.equal((await refusal(id, 'app', many)).code, 99992402);
    server.failNext('urgent', { rateLimitResetSeconds: 2 });
    try {
      await buzzer().buzz(id, [ALICE], 'app');
      assert.fail('expected a 429');
    } catch (e) {
      const f = (e as { details: SendFailure }).details;
      assert.deepEqual(judgeBuzzFailure(f, 'app'), { outcome: 'rate_limited', retry: true, fallback: false });
      assert.equal(f.retryAfterMs, 2000);
    }
  });
});
